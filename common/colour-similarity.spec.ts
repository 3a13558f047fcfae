import { describe, expect, it } from 'vitest';
import { colourAffinity, COLOUR_WEIGHT, colourScore, LOOK_COLOUR_WEIGHT, lookColourAffinity } from './colour-similarity';

/** A 64-cell histogram with the given shares in the given cells. */
const hist = (cells: Record<number, number>) => Array.from({ length: 64 }, (_, i) => cells[i] ?? 0);

describe('Similar items: the score with colours', () => {
  it('measures colour affinity as the Bhattacharyya coefficient of the histograms', () => {
    expect(colourAffinity(hist({ 3: 1 }), hist({ 3: 1 }))).toBeCloseTo(1, 12);
    expect(colourAffinity(hist({ 3: 1 }), hist({ 40: 1 }))).toBe(0);
    expect(colourAffinity(hist({ 3: 0.5, 4: 0.5 }), hist({ 3: 1 }))).toBeCloseTo(Math.SQRT1_2, 12);
    // Counts or shares alike.
    expect(colourAffinity(hist({ 3: 2, 4: 2 }), hist({ 3: 0.25, 4: 0.25 }))).toBeCloseTo(1, 12);
  });

  it('has no affinity for a missing, empty or mismatched histogram', () => {
    expect(colourAffinity(undefined, hist({ 1: 1 }))).toBeNull();
    expect(colourAffinity([], [])).toBeNull();
    expect(colourAffinity(hist({}), hist({ 1: 1 }))).toBeNull();
    expect(colourAffinity([1, 0], hist({ 1: 1 }))).toBeNull();
  });

  it('is the cosine of [embedding, w sqrt(histogram)] vectors, computed from the two cosines', () => {
    // Two unit embeddings at cosine 0.6 and two histograms, as explicit vectors.
    const e1 = [1, 0, 0];
    const e2 = [0.6, 0.8, 0];
    const h1 = hist({ 0: 0.36, 1: 0.64 });
    const h2 = hist({ 0: 1 });
    const joined = (e: number[], h: number[]) => [...e, ...h.map((v) => COLOUR_WEIGHT * Math.sqrt(v))];
    const a = joined(e1, h1);
    const b = joined(e2, h2);
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    const cosine = dot / Math.hypot(...a) / Math.hypot(...b);
    expect(colourScore(0.6, colourAffinity(h1, h2))).toBeCloseTo(cosine, 12);
  });

  it('puts the same kind of garment in the same colour above the same kind in another colour', () => {
    const black = hist({ 0: 1 });
    const red = hist({ 48: 1 });
    // A black coat's neighbours by garment-net: a red coat a little nearer than a black one.
    const redCoat = colourScore(0.995, colourAffinity(black, red));
    const blackCoat = colourScore(0.99, colourAffinity(black, black));
    expect(blackCoat).toBeGreaterThan(redCoat);
    // Without histograms the cosine stands.
    expect(colourScore(0.7, null)).toBe(0.7);
    // Identical garments stay at 1.
    expect(colourScore(1, 1)).toBeCloseTo(1, 12);
  });
});

describe('Similar looks: the looks\' colours garment by garment', () => {
  const white = hist({ 63: 1 });
  const black = hist({ 0: 1 });
  const whiteShirtBlackTrousers = [{ category: 'top', histogram: white }, { category: 'bottom', histogram: black }];
  const blackTopWhiteTrousers = [{ category: 'top', histogram: black }, { category: 'bottom', histogram: white }];

  it('compares each garment with the neighbour\'s garment of its category, not the looks\' pooled colours', () => {
    expect(lookColourAffinity(whiteShirtBlackTrousers, whiteShirtBlackTrousers)).toBeCloseTo(1, 12);
    // The same two colours in the other places: pooled, the looks would be identical.
    expect(lookColourAffinity(whiteShirtBlackTrousers, blackTopWhiteTrousers)).toBe(0);
    // Of two tops the better match counts; a category the neighbour lacks is left out of the mean.
    const twoTops = [{ category: 'top', histogram: black }, { category: 'top', histogram: white }];
    expect(lookColourAffinity([...whiteShirtBlackTrousers, { category: 'shoes', histogram: black }], twoTops)).toBeCloseTo(1, 12);
    // Nothing to compare: null, so that the look vectors' cosine stands alone.
    expect(lookColourAffinity(whiteShirtBlackTrousers, [{ category: 'dress', histogram: white }])).toBeNull();
    expect(lookColourAffinity([{ category: 'top' }], whiteShirtBlackTrousers)).toBeNull();
  });

  it('weighs the colours more beside look vectors than beside garment vectors', () => {
    expect(LOOK_COLOUR_WEIGHT).toBeGreaterThan(COLOUR_WEIGHT);
    expect(colourScore(0.5, 1, LOOK_COLOUR_WEIGHT)).toBeCloseTo((0.5 + 0.49) / 1.49, 12);
  });
});
