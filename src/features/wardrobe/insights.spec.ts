import { describe, expect, it } from 'vitest';
import type { Category } from '../../../common/categories';
import { styleSummary } from './insights';

const g = (lookId: string, category: Category, ...colours: [string, number][]) => ({
  lookId,
  category,
  colours: colours.map(([name, fraction]) => ({ name, fraction, rgb: [0, 0, 0] as [number, number, number] })),
});

describe('style summary', () => {
  it('counts looks, not garments, for each colour and category', () => {
    const s = styleSummary([
      g('a', 'top', ['white', 0.9], ['navy', 0.1]), // navy too small to name
      g('a', 'shoes', ['white', 1]), // a second white garment in look a: still one look
      g('b', 'top', ['navy', 0.6], ['white', 0.4]),
      g('b', 'bottom', ['blue', 1]),
      g('c', 'dress', ['red', 1]),
    ]);
    expect(s.looks).toBe(3);
    expect(s.colours.map((c) => [c.name, c.looks])).toEqual([['white', 2], ['red', 1], ['blue', 1], ['navy', 1]]);
    expect(s.colours[0].rgb).toEqual([245, 245, 245]); // the palette's swatch
    expect(s.categories).toEqual([
      { category: 'top', looks: 2 },
      { category: 'bottom', looks: 1 },
      { category: 'dress', looks: 1 },
      { category: 'shoes', looks: 1 },
    ]);
  });

  it('keeps the most worn colours only, and is empty without garments', () => {
    const many = ['black', 'white', 'grey', 'beige', 'brown', 'red'].map((c, i) => g(`l${i}`, 'top', [c, 1]));
    expect(styleSummary([...many, g('x', 'top', ['red', 1])], 2).colours.map((c) => c.name)).toEqual(['red', 'black']);
    expect(styleSummary([])).toEqual({ looks: 0, colours: [], categories: [] });
  });
});
