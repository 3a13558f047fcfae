import { describe, expect, it } from 'vitest';
import { clipBox } from './boxes';

describe('clipBox', () => {
  it('keeps a box inside the photo, cuts one that crosses an edge, leaves no width or height to one outside, to one decimal', () => {
    expect(clipBox([10, 20, 30, 40], 100, 100)).toEqual([10, 20, 30, 40]);
    expect(clipBox([-5, 90, 20, 30], 100, 100)).toEqual([0, 90, 15, 10]);
    expect(clipBox([120, 10, 5, 5], 100, 100)).toEqual([120, 10, 0, 5]); // no width left: nothing to crop
    expect(clipBox([1.234, 2.06, 3.333, 4], 100, 100)).toEqual([1.2, 2.1, 3.3, 4]);
  });
});
