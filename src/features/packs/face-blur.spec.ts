import { describe, expect, it } from 'vitest';
import { headBox } from './face-blur';

const kp = (points: [number, number, number][]) => ({ keypoints: [...points, ...Array.from({ length: 17 - points.length }, () => [0, 0, 0] as [number, number, number])] });

describe('headBox', () => {
  it('boxes the head around the face keypoints, inside the photo', () => {
    // nose, eyes, ears of a face about 40 px wide centred at (200, 100)
    const box = headBox(kp([[200, 105, 0.9], [190, 95, 0.9], [210, 95, 0.9], [180, 100, 0.8], [220, 100, 0.8]]), 400, 600)!;
    const [x, y, w, h] = box;
    expect(x).toBeLessThan(180);
    expect(x + w).toBeGreaterThan(220);
    expect(y).toBeLessThan(95);
    expect(y + h).toBeGreaterThan(105);
    expect(w).toBeCloseTo(88);
    expect(headBox(kp([[5, 5, 0.9], [15, 5, 0.9]]), 400, 600)![0]).toBe(0);
  });

  it('finds nothing without two confident face keypoints', () => {
    expect(headBox(kp([[200, 105, 0.9], [190, 95, 0.1]]), 400, 600)).toBeNull();
  });
});
