import { describe, expect, it } from 'vitest';
import type { ClassMap, PostProcessing } from '../models/garment-detector';
import { boxCutOut, garmentRegions, MIN_CATEGORY_SHARE, personBoxes } from './regions';

const CLASSES = ['background', 'skin', 'hair', 'top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag', 'hat', 'accessory'];

/**
 * A 10 x 10 class map of a 40 x 40 photo (4 photo pixels per cell): a top in rows 2-4, columns 3-7, and a
 * bottom in rows 5-9, columns 3-6, the rest background; each cell's class at probability 0.9.
 */
function fixture(): ClassMap {
  const width = 10;
  const height = 10;
  const k = CLASSES.length;
  const probs = new Float32Array(width * height * k);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const cls = r >= 2 && r <= 4 && c >= 3 && c <= 7 ? 'top' : r >= 5 && c >= 3 && c <= 6 ? 'bottom' : 'background';
      const i = (r * width + c) * k;
      probs.fill(0.1 / (k - 1), i, i + k);
      probs[i + CLASSES.indexOf(cls)] = 0.9;
    }
  }
  return { width, height, classes: CLASSES, probs, letterbox: { offsetX: 0, offsetY: 0, scale: 1 }, stride: 4 };
}

const ANY = { min_prob: null, min_cells: 1, min_score: 0 };

/** A class map drawn as `rows`, one character per cell (4 px), each cell 0.9 sure of its class: . background, s skin,
 * t top, w outerwear, o shoes. */
function drawn(rows: string[]): ClassMap {
  const [width, height, k] = [rows[0].length, rows.length, CLASSES.length];
  const name: Record<string, string> = { '.': 'background', s: 'skin', t: 'top', w: 'outerwear', o: 'shoes' };
  const probs = new Float32Array(width * height * k);
  rows.forEach((row, r) => [...row].forEach((ch, c) => {
    const i = (r * width + c) * k;
    probs.fill(0.1 / (k - 1), i, i + k);
    probs[i + CLASSES.indexOf(name[ch])] = 0.9;
  }));
  return { width, height, classes: CLASSES, probs, letterbox: { offsetX: 0, offsetY: 0, scale: 1 }, stride: 4 };
}

describe('regions', () => {
  it('finds each category\'s garment with its box in photo pixels and its own cells', () => {
    const post: PostProcessing = { merge_grow: 0, top: ANY, bottom: ANY };
    const found = garmentRegions(fixture(), post);
    expect(found.map((g) => g.category)).toEqual(['top', 'bottom']);
    const top = found[0];
    expect(top.box).toEqual([12, 8, 20, 12]);
    expect(top.score).toBeCloseTo(0.9, 5);
    expect(top.contains(14, 10)).toBe(true);
    expect(top.contains(14, 30)).toBe(false); // the bottom's cell
  });

  it('says what share of the photo a garment\'s cells cover, the letterbox left out', () => {
    const post: PostProcessing = { merge_grow: 0, top: ANY, bottom: ANY };
    const [top, bottom] = garmentRegions(fixture(), post);
    expect(top.cover).toBeCloseTo(15 / 100, 6);
    expect(bottom.cover).toBeCloseTo(20 / 100, 6);
    // The same map with 8 grey pixels (2 rows of cells) letterboxed above and below the photo: the photo is the
    // 60 cells between them.
    const boxed = { ...fixture(), letterbox: { offsetX: 0, offsetY: 8, scale: 1 } };
    expect(garmentRegions(boxed, post)[0].cover).toBeCloseTo(15 / 60, 6);
  });

  it('drops components under the category\'s min_cells', () => {
    const found = garmentRegions(fixture(), { merge_grow: 0, top: { ...ANY, min_cells: 16 }, bottom: ANY });
    expect(found.map((g) => g.category)).toEqual(['bottom']); // the top has 15 cells
  });

  describe('one patch claimed by two categories (min_prob)', () => {
    /** The fixture with `category` at probability `p` on the cells `where` (row, col), the rest scaled down. */
    function withSecond(category: string, p: number, where: (r: number, c: number) => boolean): ClassMap {
      const map = fixture();
      const k = CLASSES.length;
      for (let r = 0; r < map.height; r++) {
        for (let c = 0; c < map.width; c++) {
          if (!where(r, c)) continue;
          const i = (r * map.width + c) * k;
          for (let j = 0; j < k; j++) map.probs[i + j] *= 1 - p;
          map.probs[i + CLASSES.indexOf(category)] += p;
        }
      }
      return map;
    }

    it('drops a garment whose cells another category holds as the most likely class (a skirt as a dress too)', () => {
      // The bottom's cells carry dress at 0.3: a dress at min_prob 0.25 covers exactly the bottom.
      const map = withSecond('dress', 0.3, (r, c) => r >= 5 && c >= 3 && c <= 6);
      const post: PostProcessing = { merge_grow: 0, top: ANY, bottom: ANY, dress: { min_prob: 0.25, min_cells: 1, min_score: 0 } };
      expect(garmentRegions(map, post).map((g) => g.category)).toEqual(['top', 'bottom']);
      // Without the bottom's claim the dress stays: nothing else is seen there.
      expect(garmentRegions(map, { ...post, bottom: { ...ANY, min_cells: 100 } }).map((g) => g.category)).toEqual(['top', 'dress']);
    });

    it('keeps a top under an open jacket that covers more than the top', () => {
      // Outerwear at 0.3 over the top and the two columns beside it (rows 2-6), most likely class on the columns only.
      const map = withSecond('outerwear', 0.3, (r, c) => r >= 2 && r <= 6 && c >= 1 && c <= 9);
      const k = CLASSES.length;
      for (let r = 2; r <= 6; r++) {
        for (const c of [1, 2, 8, 9]) {
          const i = (r * map.width + c) * k;
          map.probs.fill(0.02, i, i + k);
          map.probs[i + CLASSES.indexOf('outerwear')] = 1 - 0.02 * (k - 1);
        }
      }
      const post: PostProcessing = { merge_grow: 0, top: ANY, outerwear: { min_prob: 0.25, min_cells: 1, min_score: 0 } };
      // The outerwear's 45 cells: 15 are the top's (a third), so both are garments.
      expect(garmentRegions(map, post).map((g) => g.category)).toEqual(['top', 'outerwear']);
    });
  });

  describe('a pair of shoes', () => {
    const post: PostProcessing = { merge_grow: 0.5, shoes: ANY };

    it('is one garment where the feet stand apart on one person', () => {
      const found = garmentRegions(drawn([
        '...ssssss...',
        '..ss....ss..',
        '.ss......ss.',
        'oo........oo',
        'oo........oo',
      ]), post);
      expect(found.map((g) => g.category)).toEqual(['shoes']);
      expect(found[0].box).toEqual([0, 12, 48, 8]);
      expect(found[0].contains(2, 14)).toBe(true);
      expect(found[0].contains(46, 14)).toBe(true);
      expect(found[0].contains(24, 14)).toBe(false); // between the feet
    });

    it('is two garments on two people', () => {
      const found = garmentRegions(drawn([
        'ss........ss',
        'ss........ss',
        'ss........ss',
        'oo........oo',
        'oo........oo',
      ]), post);
      expect(found.map((g) => g.box)).toEqual([[0, 12, 8, 8], [40, 12, 8, 8]]);
    });
  });

  describe('an open jacket', () => {
    const post: PostProcessing = { merge_grow: 0.5, top: ANY, outerwear: ANY };

    it('is one outerwear where its two fronts lie apart on one person, the top between them', () => {
      const found = garmentRegions(drawn([
        '....ssss....',
        '.wwsttttsww.',
        '.wwsttttsww.',
        '.wwsttttsww.',
        '.wwsttttsww.',
        '.wwsttttsww.',
      ]), post);
      expect(found.map((g) => g.category).sort()).toEqual(['outerwear', 'top']);
      const jacket = found.find((g) => g.category === 'outerwear')!;
      expect(jacket.box).toEqual([4, 4, 40, 20]);
      expect(jacket.contains(6, 10)).toBe(true); // left front
      expect(jacket.contains(42, 10)).toBe(true); // right front
      expect(jacket.contains(24, 10)).toBe(false); // the top between them
    });

    it('is two outerwear on two people', () => {
      const found = garmentRegions(drawn([
        'ww........ww',
        'ww........ww',
        'ww........ww',
      ]), post);
      expect(found.map((g) => g.box)).toEqual([[0, 0, 8, 12], [40, 0, 8, 12]]);
    });
  });

  it('gives the person as every non-background cell', () => {
    const [person] = personBoxes(fixture(), undefined, 1);
    expect(person.box).toEqual([12, 8, 20, 32]);
  });

  describe('boxCutOut', () => {
    it('keeps the category\'s cells inside a garment\'s box', () => {
      const keep = boxCutOut(fixture(), 'top', [12, 8, 20, 12])!;
      expect(keep(14, 10)).toBe(true);
      expect(keep(2, 2)).toBe(false); // background
      expect(keep(14, 30)).toBe(false); // bottom
    });

    it('keeps the person where the box has too few of the category\'s cells', () => {
      // Rows 4-9, all columns: 60 cells, 5 of them top (row 4), under MIN_CATEGORY_SHARE.
      expect(5 / 60).toBeLessThan(MIN_CATEGORY_SHARE);
      const keep = boxCutOut(fixture(), 'top', [0, 16, 40, 24])!;
      expect(keep(14, 18)).toBe(true); // top
      expect(keep(14, 30)).toBe(true); // bottom: the person
      expect(keep(2, 30)).toBe(false); // background
      // A category with no cell at all in the box: the person too.
      const dress = boxCutOut(fixture(), 'dress', [12, 8, 20, 12])!;
      expect(dress(14, 10)).toBe(true);
      expect(dress(2, 2)).toBe(false);
    });

    it('keeps the whole box where it has no person cell', () => {
      expect(boxCutOut(fixture(), 'top', [32, 32, 8, 8])).toBeUndefined();
    });
  });
});
