/**
 * Where each garment's label goes over the photo: above its box when there is room, else inside its top
 * edge, moved down in steps of one label height while it would cover a label placed before it; moved left
 * where it would run past the photo's right edge (a bag at the side). All in the photo's pixels. Width is estimated from the text (system fonts average ~0.6 em per character).
 */
import type { Box } from '../../../common/types';

export interface LabelPlace {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: LabelPlace, b: LabelPlace): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export function placeLabels(items: { box: Box; text: string }[], font: number, photo: { width: number; height: number }): LabelPlace[] {
  const height = font * 1.3;
  const placed: LabelPlace[] = [];
  for (const { box, text } of items) {
    const width = text.length * font * 0.6 + font * 0.6;
    const [, y, , h] = box;
    const x = Math.max(0, Math.min(box[0], photo.width - width));
    const candidates = [y - height, ...Array.from({ length: Math.max(1, Math.floor(h / height)) }, (_, i) => y + i * height)];
    const fits = (top: number): boolean => top >= 0 && top + height <= photo.height;
    let place: LabelPlace | undefined;
    for (const top of candidates) {
      const candidate = { x, y: top, width, height };
      if (fits(top) && !placed.some((p) => overlaps(p, candidate))) {
        place = candidate;
        break;
      }
    }
    placed.push(place ?? { x, y: Math.min(Math.max(0, y), Math.max(0, photo.height - height)), width, height });
  }
  return placed;
}
