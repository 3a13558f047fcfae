import { describe, expect, it } from 'vitest';
import { SWIPE_MAX_MS, SWIPE_MIN_PX, swipeToward } from './swipe';

describe('swipe across the photo', () => {
  it('a quick stroke to the left brings the older look, to the right the newer', () => {
    expect(swipeToward(-120, 10, 200)).toBe('older');
    expect(swipeToward(120, -20, 200)).toBe('newer');
    expect(swipeToward(-SWIPE_MIN_PX, 0, SWIPE_MAX_MS)).toBe('older');
  });

  it('a tap, a slow drag or a mostly vertical stroke is no swipe', () => {
    expect(swipeToward(-10, 0, 100)).toBeNull();
    expect(swipeToward(-120, 0, SWIPE_MAX_MS + 1)).toBeNull();
    expect(swipeToward(-120, -80, 200)).toBeNull();
  });
});
