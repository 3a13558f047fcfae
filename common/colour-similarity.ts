/**
 * How alike two garments are for "Similar items" (src/features/search/similar.ts) and a garment and a product for
 * "Shop the look" (common/pack-match.ts): the cosine of their garment-net vectors, with their colour histograms. The
 * wardrobe's grouping takes the colour affinity alone (src/features/wardrobe/grouping.ts).
 *
 * garment-net learned its embedding under colour jitter, so that a type is one type in any colour: its nearest
 * neighbours are the same kind of garment, and their colours are near random (on the CCP train garments, the
 * colour affinity of a garment's 10 nearest is 0.600, of a random garment of its category 0.573). A person asking
 * for items like a black coat expects black coats first. The score is the cosine of the vectors
 * [vector, COLOUR_WEIGHT x sqrt(histogram)] (both parts unit length), computed from the two cosines:
 * (cosine + w^2 affinity) / (1 + w^2). On the CCP train garments, w = 0.3 lifts the colour affinity of the 10
 * nearest from 0.600 to 0.837 and keeps their category as often (0.593 -> 0.594); docs/garment-models.md,
 * `training/garments/eval_similar_items.py`. Similar looks score the look vectors' cosine the same way with the
 * looks' colours compared garment by garment (lookColourAffinity) and their own weight, LOOK_COLOUR_WEIGHT (a look's
 * pooled histogram was tried before and told looks apart no better than the vectors: docs/garment-models.md).
 */

/** Weight of the colour histogram beside the unit embedding (chosen on the CCP train garments, see above). */
export const COLOUR_WEIGHT = 0.3;

/**
 * Weight of the looks' garment-by-garment colour affinity beside the look vectors' cosine in Similar looks. Look
 * vectors are further apart than garment vectors, so the garments' 0.3 barely reorders them. Chosen on 300 CCP train
 * photos (`npx tsx scripts/similar-looks.ts --split train --count 300 --weights 0.3,0.5,0.7,1,1.5,2`) as the weight
 * that goes furthest from random looks towards the best ranking on both measures together: the garment tags a look
 * shares with its 10 nearest (what the look vectors are for) and the share of its garments whose main colour a
 * garment of the neighbour's has (0.7 and 1 within 0.002 of each other; the lower kept).
 */
export const LOOK_COLOUR_WEIGHT = 0.7;

/**
 * Bhattacharyya coefficient of two colour histograms (the cosine of the square roots of their shares), 0..1;
 * null where either is missing, empty or of another size (garments stored before histograms existed).
 */
export function colourAffinity(a: readonly number[] | null | undefined, b: readonly number[] | null | undefined): number | null {
  if (!a || !b || a.length === 0 || a.length !== b.length) return null;
  let ab = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.max(0, a[i]);
    const y = Math.max(0, b[i]);
    ab += Math.sqrt(x * y);
    sa += x;
    sb += y;
  }
  return sa > 0 && sb > 0 ? ab / Math.sqrt(sa * sb) : null;
}

/** The Similar items score of a neighbour at cosine `cosine` (Similar looks: with LOOK_COLOUR_WEIGHT); without an affinity, the cosine itself. */
export function colourScore(cosine: number, affinity: number | null, weight: number = COLOUR_WEIGHT): number {
  if (affinity === null) return cosine;
  const w2 = weight * weight;
  return (cosine + w2 * affinity) / (1 + w2);
}

/**
 * How alike two looks' colours are, garment by garment: for each garment of `a` with a histogram, its best colour
 * affinity with a garment of `b` of the same category, averaged over those that have one; null where no garment of
 * `a` has a partner in `b` with a histogram (the look vectors' cosine then stands alone). A white shirt over black
 * trousers is then like a white shirt over black trousers, not like a black top over white trousers, which the look
 * vectors (garment-net's colour-blind vectors bound to their categories) cannot tell apart.
 */
export function lookColourAffinity(
  a: readonly { category: string; histogram?: readonly number[] }[],
  b: readonly { category: string; histogram?: readonly number[] }[],
): number | null {
  let sum = 0;
  let n = 0;
  for (const g of a) {
    let best: number | null = null;
    for (const h of b) {
      if (h.category !== g.category) continue;
      const affinity = colourAffinity(g.histogram, h.histogram);
      if (affinity !== null && (best === null || affinity > best)) best = affinity;
    }
    if (best !== null) {
      sum += best;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}
