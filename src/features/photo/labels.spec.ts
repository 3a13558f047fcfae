import { describe, expect, it } from 'vitest';
import { placeLabels } from './labels';

describe('placeLabels', () => {
  it('puts a label above its box when there is room', () => {
    const [p] = placeLabels([{ box: [10, 100, 50, 80], text: '1 top' }], 10, { width: 300, height: 400 });
    expect(p).toMatchObject({ x: 10, y: 87, height: 13 });
  });

  it('moves a label inside the box at the top edge of the photo', () => {
    const [p] = placeLabels([{ box: [10, 2, 50, 80], text: '1 hat' }], 10, { width: 300, height: 400 });
    expect(p.y).toBe(2);
  });

  it('never lets two labels cover each other when boxes start at the same place', () => {
    const places = placeLabels(
      [
        { box: [100, 100, 200, 300], text: '1 outerwear' },
        { box: [105, 102, 150, 200], text: '2 top' },
        { box: [110, 104, 100, 100], text: '3 bag' },
      ],
      20,
      { width: 1000, height: 1000 },
    );
    for (let i = 0; i < places.length; i++) {
      for (let j = i + 1; j < places.length; j++) {
        const a = places[i];
        const b = places[j];
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `labels ${i + 1} and ${j + 1}`).toBe(true);
      }
    }
  });

  it('keeps a label inside the photo where its box touches the right edge', () => {
    const [p] = placeLabels([{ box: [270, 100, 30, 60], text: '5 bag' }], 10, { width: 300, height: 400 });
    expect(p.x + p.width).toBeLessThanOrEqual(300);
    expect(p.x).toBe(300 - p.width);
    // A label wider than the photo starts at its left edge.
    expect(placeLabels([{ box: [5, 100, 30, 60], text: '1 a very long garment name' }], 20, { width: 100, height: 400 })[0].x).toBe(0);
  });
});
