import { describe, expect, it } from 'vitest';
import { colourOverlap, groupGarments, wearStats, type GroupableGarment } from './grouping';

const v = (...xs: number[]) => {
  const a = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return a.map((x) => x / n);
};
const g = (id: string, lookId: string, category: 'top' | 'bottom', vector: Float32Array, colours: Record<string, number>, wornAt: number): GroupableGarment => ({
  id, lookId, category, vector, colours, wornAt,
});

describe('groupGarments', () => {
  const redTee1 = g('a', 'l1', 'top', v(1, 0.1, 0), { red: 0.9, white: 0.1 }, 1);
  const redTee2 = g('b', 'l2', 'top', v(1, 0.12, 0.02), { red: 0.8, white: 0.2 }, 2);
  const blueTee = g('c', 'l3', 'top', v(1, 0.1, 0), { blue: 1 }, 3); // same shape, other colour
  const jeans = g('d', 'l2', 'bottom', v(0, 0, 1), { blue: 1 }, 2);
  const sameLookTee = g('e', 'l1', 'top', v(1, 0.1, 0), { red: 0.9, white: 0.1 }, 1);

  it('groups the same garment across looks, and keeps colours, categories and looks apart', () => {
    const { pieces, assignments } = groupGarments([blueTee, redTee2, jeans, redTee1, sameLookTee]);
    expect(pieces.map((p) => [p.category, p.garmentIds])).toEqual([
      ['top', ['a', 'b']],
      ['top', ['e']], // a second top in the same photo is another piece
      ['bottom', ['d']],
      ['top', ['c']],
    ]);
    const b = assignments.find((x) => x.garmentId === 'b')!;
    expect(b.piece).toBe(0);
    expect(b.confidence).toBeGreaterThan(0.9);
  });

  it('adds new garments to existing pieces, and a stricter threshold splits more', () => {
    const known = new Map([[redTee1.id, redTee1]]);
    const { pieces } = groupGarments([redTee2], [{ category: 'top', garmentIds: ['a'] }], known);
    expect(pieces).toEqual([{ category: 'top', garmentIds: ['a', 'b'] }]);
    expect(groupGarments([redTee1, redTee2], [], new Map(), 0.999).pieces).toHaveLength(2);
  });
});

describe('colourOverlap and wearStats', () => {
  it('measures shared colour shares', () => {
    expect(colourOverlap({ red: 1 }, { red: 1 })).toBeCloseTo(1);
    expect(colourOverlap({ red: 0.5, blue: 0.5 }, { red: 1 })).toBeCloseTo(0.5);
    expect(colourOverlap({ red: 1 }, { blue: 1 })).toBe(0);
  });

  it('counts wears per look, first and last worn, cost per wear', () => {
    const s = wearStats([{ lookId: 'l1', wornAt: 10 }, { lookId: 'l2', wornAt: 30 }, { lookId: 'l3', wornAt: 20 }, { lookId: 'l1', wornAt: 10 }], 60);
    expect(s).toEqual({ wears: 3, firstWorn: 10, lastWorn: 30, costPerWear: 20 });
    expect(wearStats([], 10)).toEqual({ wears: 0, firstWorn: undefined, lastWorn: undefined, costPerWear: undefined });
  });
});
