import { describe, expect, it } from 'vitest';
import { groupGarments, likeness, wearStats, type GroupableGarment } from './grouping';

/** A 64-cell colour histogram with the given shares in the given cells. */
const hist = (cells: Record<number, number>): number[] => {
  const h = new Array<number>(64).fill(0);
  for (const [cell, share] of Object.entries(cells)) h[Number(cell)] = share;
  return h;
};
const g = (id: string, lookId: string, category: 'top' | 'bottom', histogram: number[], wornAt: number): GroupableGarment => ({
  id, lookId, category, histogram, wornAt,
});

describe('groupGarments', () => {
  const redTee1 = g('a', 'l1', 'top', hist({ 48: 0.9, 63: 0.1 }), 1);
  const redTee2 = g('b', 'l2', 'top', hist({ 48: 0.86, 52: 0.02, 63: 0.12 }), 2); // a little lighter in the second photo
  const blueTee = g('c', 'l3', 'top', hist({ 3: 1 }), 3); // same kind, other colour
  const jeans = g('d', 'l2', 'bottom', hist({ 48: 0.9, 63: 0.1 }), 2); // the tee's colours, another category
  const sameLookTee = g('e', 'l1', 'top', hist({ 48: 0.9, 63: 0.1 }), 1);

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
    expect(b.confidence).toBeGreaterThan(0.97);
  });

  it('adds new garments to existing pieces, and a stricter threshold splits more', () => {
    const known = new Map([[redTee1.id, redTee1]]);
    const { pieces } = groupGarments([redTee2], [{ category: 'top', garmentIds: ['a'] }], known);
    expect(pieces).toEqual([{ category: 'top', garmentIds: ['a', 'b'] }]);
    expect(groupGarments([redTee1, redTee2], [], new Map(), 0.999).pieces).toHaveLength(2);
  });

  it('takes the colour histograms, and a garment without one for like no other', () => {
    expect(likeness(redTee1, sameLookTee)).toBeCloseTo(1);
    expect(likeness(redTee1, blueTee)).toBe(0);
    const unmeasured = g('f', 'l4', 'top', [], 4);
    expect(likeness(redTee1, unmeasured)).toBe(0);
    expect(groupGarments([redTee1, unmeasured]).pieces).toHaveLength(2);
  });
});

describe('wearStats', () => {
  it('counts wears per look, first and last worn, cost per wear', () => {
    const s = wearStats([{ lookId: 'l1', wornAt: 10 }, { lookId: 'l2', wornAt: 30 }, { lookId: 'l3', wornAt: 20 }, { lookId: 'l1', wornAt: 10 }], 60);
    expect(s).toEqual({ wears: 3, firstWorn: 10, lastWorn: 30, costPerWear: 20 });
    expect(wearStats([], 10)).toEqual({ wears: 0, firstWorn: undefined, lastWorn: undefined, costPerWear: undefined });
  });
});
