/**
 * Optional face blur for shared photos: the head is found from the pose model's face keypoints (MoveNet's
 * COCO order: 0 nose, 1-2 eyes, 3-4 ears, then shoulders 5-6), which the vision worker already computes;
 * the region is blurred on a canvas and the photo re-encoded (a canvas keeps no metadata).
 */
import type { Box, Person } from '../../../common/types';

/** Face keypoints below this score (0..1) are not used. */
const MIN_KEYPOINT_SCORE = 0.3;
/** The head box is this many times the spread of the face keypoints (ears are ~0.7 of a head's width). */
const HEAD_SCALE = 2.2;

/**
 * The box around a person's head, in photo pixels, from the face keypoints (at least two confident), or
 * null. Shoulders bound its size when the face keypoints are close together (a face seen side-on).
 */
export function headBox(person: Pick<Person, 'keypoints'>, width: number, height: number): Box | null {
  const face = person.keypoints.slice(0, 5).filter(([, , s]) => s >= MIN_KEYPOINT_SCORE);
  if (face.length < 2) return null;
  const xs = face.map(([x]) => x);
  const ys = face.map(([, y]) => y);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  let spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const [ls, rs] = person.keypoints.slice(5, 7);
  if (ls && rs && ls[2] >= MIN_KEYPOINT_SCORE && rs[2] >= MIN_KEYPOINT_SCORE) spread = Math.max(spread, Math.abs(ls[0] - rs[0]) * 0.45);
  const side = spread * HEAD_SCALE;
  const x = Math.max(0, cx - side / 2);
  const y = Math.max(0, cy - side * 0.6); // a little more room above the eyes, for the forehead and hair
  const w = Math.min(width - x, side);
  const h = Math.min(height - y, side * 1.2);
  return w > 1 && h > 1 ? [x, y, w, h] : null;
}

/** The photo with each box blurred, re-encoded as JPEG. */
export async function blurRegions(photo: Blob, boxes: Box[]): Promise<Blob> {
  const bitmap = await createImageBitmap(photo);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser');
    ctx.drawImage(bitmap, 0, 0);
    for (const [x, y, w, h] of boxes) {
      // Blur radius: a fifth of the head, so that features are gone at any photo size (px).
      const radius = Math.max(8, Math.round(Math.max(w, h) / 5));
      ctx.save();
      ctx.beginPath();
      ctx.ellipse(x + w / 2, y + h / 2, w / 2, h / 2, 0, 0, Math.PI * 2);
      ctx.clip();
      ctx.filter = `blur(${radius}px)`;
      // Drawn twice: one blur of this radius still leaves the outline of eyes and mouth readable.
      ctx.drawImage(canvas, 0, 0);
      ctx.drawImage(canvas, 0, 0);
      ctx.restore();
    }
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  } finally {
    bitmap.close();
  }
}
