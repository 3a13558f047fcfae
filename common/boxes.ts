/** Geometry of [x, y, w, h] boxes, shared by the detector, the garment rules, storage and the evaluation. */
import type { Box } from './types';

/** Intersection over union of two boxes, 0..1 (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** The smallest box holding all of them; null for none. */
export function unionBox(boxes: Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x1 = Math.min(...boxes.map((b) => b[0]));
  const y1 = Math.min(...boxes.map((b) => b[1]));
  const x2 = Math.max(...boxes.map((b) => b[0] + b[2]));
  const y2 = Math.max(...boxes.map((b) => b[1] + b[3]));
  return [x1, y1, x2 - x1, y2 - y1];
}

/** The box clipped to a width x height photo, to one decimal (no width or no height left where it lies outside). */
export function clipBox([x, y, w, h]: Box, width: number, height: number): Box {
  const x1 = Math.max(0, x);
  const y1 = Math.max(0, y);
  const x2 = Math.min(width, x + w);
  const y2 = Math.min(height, y + h);
  return [x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1)].map((v) => Math.round(v * 10) / 10) as Box;
}

/**
 * Intersection over union of the areas two sets of boxes cover (each set's boxes as one region, overlaps counted
 * once), 0..1; exact, on the grid of the boxes' own edges.
 */
export function areaIou(a: Box[], b: Box[]): number {
  const xs = [...new Set([...a, ...b].flatMap(([x, , w]) => [x, x + w]))].sort((p, q) => p - q);
  const ys = [...new Set([...a, ...b].flatMap(([, y, , h]) => [y, y + h]))].sort((p, q) => p - q);
  const inside = (boxes: Box[], x: number, y: number) => boxes.some(([bx, by, bw, bh]) => x > bx && x < bx + bw && y > by && y < by + bh);
  let inter = 0;
  let union = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const [cx, cy] = [(xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2];
      const [inA, inB] = [inside(a, cx, cy), inside(b, cx, cy)];
      if (!inA && !inB) continue;
      const cell = (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
      union += cell;
      if (inA && inB) inter += cell;
    }
  }
  return union > 0 ? inter / union : 0;
}
