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
