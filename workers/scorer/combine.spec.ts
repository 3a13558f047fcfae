import { describe, expect, it } from 'vitest';
import type { Category } from '../../common/categories';
import { rng } from '../../common/random';
import { avoidRecent, candidateOutfits, canDress, coreOf, DAY_MS, nearCopy, outfitKey, pickDiverse, representatives, TEMPLATES, type WardrobeGarment } from './combine';

const NOW = Date.UTC(2026, 10, 27, 12);

/** A generated wardrobe: `counts` garments per category, each from its own look, worn `daysAgo(i)` days ago. */
function wardrobe(counts: Partial<Record<Category, number>>, daysAgo: (i: number) => number = (i) => 30 + i): WardrobeGarment[] {
  const out: WardrobeGarment[] = [];
  for (const [category, n] of Object.entries(counts) as [Category, number][]) {
    for (let k = 0; k < n; k++) {
      const i = out.length;
      out.push({ id: `${category}-${k}`, lookId: `look-${i}`, category, lastWorn: NOW - daysAgo(i) * DAY_MS });
    }
  }
  return out;
}

/** Whether the garments (by category) fill one template: every required slot once, optional ones at most once. */
function fitsTemplate(categories: Category[], extra?: Category): boolean {
  const rest = extra ? categories.filter((c) => c !== extra) : categories;
  if (new Set(rest).size !== rest.length) return false;
  return TEMPLATES.some((t) => t.required.every((c) => rest.includes(c)) && rest.every((c) => t.required.includes(c) || t.optional.includes(c)));
}

describe('candidateOutfits', () => {
  it('enumerates every sensible combination when they fit the limit', () => {
    const g = wardrobe({ top: 2, bottom: 2, shoes: 1, outerwear: 1, bag: 1, dress: 1 });
    const outfits = candidateOutfits(g, { limit: 10_000 });
    // separates: 2 tops x 2 bottoms x 1 shoes x (1 + 1 outerwear) x (1 + 1 bag) = 16; dress: 1 x 1 x 2 x 2 = 4.
    expect(outfits).toHaveLength(20);
    expect(new Set(outfits.map((o) => o.join())).size).toBe(20);
    for (const o of outfits) expect(fitsTemplate(o.map((i) => g[i].category))).toBe(true);
  });

  it('puts the anchor in every outfit, leaves out its look, and skips templates without its slot', () => {
    const g = wardrobe({ top: 3, bottom: 3, shoes: 2, dress: 2 });
    // A second bottom in the anchor's look: it must not appear.
    g.push({ id: 'same-look-bottom', lookId: g[0].lookId, category: 'bottom', lastWorn: 0 });
    const outfits = candidateOutfits(g, { anchor: 0, excludeLooks: new Set([g[0].lookId]), limit: 10_000 });
    expect(outfits.length).toBe(3 * 2); // 3 bottoms x 2 shoes; no dress outfit for a top
    for (const o of outfits) {
      expect(o).toContain(0);
      expect(o).not.toContain(g.length - 1);
      expect(fitsTemplate(o.map((i) => g[i].category))).toBe(true);
    }
    // A pair of shoes completes both kinds of outfit.
    const shoes = g.findIndex((x) => x.category === 'shoes');
    const withShoes = candidateOutfits(g, { anchor: shoes, limit: 10_000 });
    expect(withShoes.some((o) => o.some((i) => g[i].category === 'dress'))).toBe(true);
    expect(withShoes.some((o) => o.some((i) => g[i].category === 'top'))).toBe(true);
  });

  it('adds a hat or accessory anchor to outfits as an extra garment', () => {
    const g = wardrobe({ hat: 1, top: 1, bottom: 1, shoes: 1 });
    const outfits = candidateOutfits(g, { anchor: 0, limit: 100 });
    expect(outfits).toEqual([[1, 2, 3, 0]]);
  });

  it('samples distinct combinations, reproducibly, when there are more than the limit', () => {
    const g = wardrobe({ top: 30, bottom: 30, shoes: 10, outerwear: 5, bag: 5, dress: 10 });
    const a = candidateOutfits(g, { limit: 500, seed: 3 });
    expect(a.length).toBeGreaterThan(450);
    expect(a.length).toBeLessThanOrEqual(500);
    expect(new Set(a.map((o) => o.join())).size).toBe(a.length);
    for (const o of a) expect(fitsTemplate(o.map((i) => g[i].category))).toBe(true);
    expect(candidateOutfits(g, { limit: 500, seed: 3 })).toEqual(a);
    expect(candidateOutfits(g, { limit: 500, seed: 4 })).not.toEqual(a);
  });

  it('makes nothing when a required slot is empty', () => {
    expect(candidateOutfits(wardrobe({ top: 3, bottom: 3 }), { limit: 100 })).toEqual([]);
    expect(canDress(['top', 'bottom'])).toBe(false);
    expect(canDress(['dress', 'shoes'])).toBe(true);
  });
});

describe('representatives', () => {
  it('keeps one garment per piece (the most recently worn) and every garment in no piece', () => {
    const g = wardrobe({ top: 4 });
    g[0].pieceId = 'p';
    g[1].pieceId = 'p';
    g[2].pieceId = 'p';
    const kept = representatives(g, (x) => x.lastWorn);
    // wardrobe() makes later garments older: top-0 is the most recent of the piece.
    expect(kept.map((x) => x.id).sort()).toEqual(['top-0', 'top-3']);
  });
});

describe('avoidRecent', () => {
  it('leaves out what was worn within the longest window that still dresses the person', () => {
    // Looks 0-2 (a top, a bottom, shoes) two days ago; 3-5 (another set) twenty days ago.
    const g = wardrobe({ top: 2, bottom: 2, shoes: 2 }, (i) => (i % 2 === 0 ? 2 : 20));
    const { days, exclude } = avoidRecent(g, NOW);
    expect(days).toBe(7);
    expect([...exclude].sort()).toEqual(g.flatMap((x, i) => (x.lastWorn > NOW - 7 * DAY_MS ? [i] : [])).sort());
    const outfits = candidateOutfits(g, { exclude, limit: 100 });
    expect(outfits.length).toBe(1);
    for (const i of outfits[0]) expect(g[i].lastWorn).toBeLessThan(NOW - 7 * DAY_MS);
  });

  it('shortens the window when the older garments alone make no outfit, down to nothing left out', () => {
    const g = wardrobe({ top: 2, bottom: 1, shoes: 1 }, (i) => [5, 0.5, 2, 2][i]);
    expect(avoidRecent(g, NOW).days).toBe(1); // only the top worn half a day ago goes
    const today = wardrobe({ top: 1, bottom: 1, shoes: 1 }, () => 0);
    expect(avoidRecent(today, NOW)).toEqual({ days: 0, exclude: new Set() });
  });
});

describe('pickDiverse', () => {
  it('skips an outfit that only adds or drops an optional garment of one already picked', () => {
    const categories: Category[] = ['top', 'bottom', 'shoes', 'bag', 'bottom'];
    const outfits = [[0, 1, 2], [0, 1, 2, 3], [0, 4, 2], [0, 4, 2, 3]];
    expect(pickDiverse([1, 0, 3, 2], outfits, coreOf(categories), 2)).toEqual([1, 3]);
    // Too few different ideas: the rest is filled in order, and the picks are shown best first.
    expect(pickDiverse([1, 0, 3, 2], outfits, coreOf(categories), 3)).toEqual([1, 0, 3]);
  });

  it('takes the same clothes with other shoes for the same idea', () => {
    const categories: Category[] = ['top', 'bottom', 'shoes', 'shoes', 'bottom'];
    // Top 0 and bottom 1 with shoes 2, the same with shoes 3, then top 0 with bottom 4.
    const outfits = [[0, 1, 2], [0, 1, 3], [0, 4, 3]];
    expect(pickDiverse([0, 1, 2], outfits, coreOf(categories), 2, { keep: 0 })).toEqual([0, 2]);
    expect(coreOf(categories)([0, 1, 2])).toEqual([0, 1]);
  });

  it('skips a near copy: one garment swapped, shoes, jacket and bag the same', () => {
    const categories: Category[] = ['top', 'bottom', 'bottom', 'shoes', 'outerwear', 'bag', 'bottom', 'shoes'];
    // Top 0 (the anchor) with bottom 1, then bottom 2, each with shoes 3, jacket 4 and bag 5; then bottom 6 and shoes 7.
    const outfits = [[0, 1, 3, 4, 5], [0, 2, 3, 4, 5], [0, 6, 7, 4, 5]];
    expect(nearCopy(outfits[1], outfits[0])).toBe(true);
    expect(nearCopy(outfits[2], outfits[0])).toBe(false); // two garments swapped
    expect(pickDiverse([0, 1, 2], outfits, coreOf(categories), 2, { keep: 0, maxRepeat: 3 })).toEqual([0, 2]);
    // Without the bag three garments stay: another bottom with the same top, shoes and jacket is another idea.
    const small = [[0, 1, 3, 4], [0, 2, 3, 4]];
    expect(nearCopy(small[1], small[0])).toBe(false);
    expect(pickDiverse([0, 1], small, coreOf(categories), 2, { keep: 0, maxRepeat: 3 })).toEqual([0, 1]);
    // A liked near copy is still shown.
    expect(pickDiverse([0, 1, 2], outfits, coreOf(categories), 2, { keep: 0, maxRepeat: 3, exempt: (i) => i === 1 })).toEqual([0, 1]);
  });

  it('shows one garment in at most maxRepeat outfits, except the anchor', () => {
    const categories: Category[] = ['top', 'bottom', 'shoes', 'bottom', 'bottom', 'bottom'];
    // Top 0 with bottoms 1, 3 and 4 and shoes 2, then with bottom 5 and the same shoes.
    const outfits = [[0, 1, 2], [0, 3, 2], [0, 4, 2], [0, 5, 2]];
    // The shoes reach maxRepeat after two outfits; the anchor (top 0) does not count.
    expect(pickDiverse([0, 1, 2, 3], outfits, coreOf(categories), 2, { keep: 0, maxRepeat: 2 })).toEqual([0, 1]);
    expect(pickDiverse([0, 1, 2, 3], outfits, coreOf(categories), 3, { keep: 0, maxRepeat: 3 })).toEqual([0, 1, 2]);
    // Without the anchor exception the top itself stops at two outfits too (then the rest fills in order).
    expect(pickDiverse([0, 1, 2, 3], [[0, 1, 2], [0, 3, 2], [0, 4, 6], [7, 5, 6]], coreOf([...categories, 'shoes', 'top']), 3, { maxRepeat: 2 })).toEqual([0, 1, 3]);
    // A liked outfit is shown in its place even where the variety rules would skip it.
    expect(pickDiverse([0, 1, 2, 3], outfits, coreOf(categories), 3, { keep: 0, maxRepeat: 2, exempt: (i) => i === 2 })).toEqual([0, 1, 2]);
  });

  it('keys an outfit by its sorted garment ids', () => {
    expect(outfitKey(['b', 'a', 'c'])).toBe('a+b+c');
    const r = rng(1);
    const ids = Array.from({ length: 5 }, () => r().toString(36));
    expect(outfitKey(ids)).toBe(outfitKey([...ids].reverse()));
  });
});
