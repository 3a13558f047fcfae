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
 * `training/garments/eval_similar_items.py`. Similar looks keep the look vectors' cosine (a look's pooled
 * histogram was tried: docs/garment-models.md).
 */

/** Weight of the colour histogram beside the unit embedding (chosen on the CCP train garments, see above). */
export const COLOUR_WEIGHT = 0.3;

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

/** The Similar items score of a neighbour at garment-net cosine `cosine`; without an affinity, the cosine itself. */
export function colourScore(cosine: number, affinity: number | null): number {
  if (affinity === null) return cosine;
  const w2 = COLOUR_WEIGHT * COLOUR_WEIGHT;
  return (cosine + w2 * affinity) / (1 + w2);
}
