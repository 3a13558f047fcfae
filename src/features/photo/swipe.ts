/** A swipe across the photo steps to another look, as in a phone's gallery: pure, so it is tested without a browser. */

/** Shortest swipe, CSS pixels. */
export const SWIPE_MIN_PX = 50;
/** Longest swipe, ms: a slow drag is not a swipe. */
export const SWIPE_MAX_MS = 800;

/**
 * Which look a finger's stroke asks for: moving left brings the older one (the next in the collection), moving right
 * the newer one; null for a tap, a slow drag or a mostly vertical stroke (the page scrolls).
 */
export function swipeToward(dx: number, dy: number, ms: number): 'newer' | 'older' | null {
  if (Math.abs(dx) < SWIPE_MIN_PX || Math.abs(dx) < 2 * Math.abs(dy) || ms > SWIPE_MAX_MS) return null;
  return dx < 0 ? 'older' : 'newer';
}
