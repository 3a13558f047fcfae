/**
 * The garment crop the outfit scorer sees, identical in training (CLI, Node) and in the app's worker.
 *
 * A square around the garment's box (grown to its long side), resized to 224x224 (bilinear), where every
 * pixel that is not the garment is the neutral grey of the pipeline (128): outside the photo, and every
 * pixel the `keep` test refuses. In training `keep` is the CCP label mask ("mask" crops) or the selfie
 * person mask ("box" crops); in the app the garment detector's cells; in `score-outfits` the annotated garment's
 * mask where the data set has it, else (only a box is known) the person mask. Cutting the
 * background keeps the scorer from learning "these garments share a street / wall / floor".
 */
import type { Box, RgbaImage } from '../../../common/types';

export const CROP = {
  /** Backbone input side (pixels). */
  size: 224,
  /** Grey (0..255) for everything that is not the garment: PIPELINE.neutralGrey. */
  grey: 128,
} as const;

/** True where the photo pixel (x, y) belongs to the garment (or the person). */
export type KeepTest = (x: number, y: number) => boolean;

/** Checks a box against the photo: finite, positive size, overlapping the photo. Throws with the reason. */
export function checkBox(box: unknown, width: number, height: number): Box {
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`box must be [x, y, w, h] of 4 finite numbers, got ${JSON.stringify(box)}`);
  }
  const [x, y, w, h] = box as Box;
  if (w < 2 || h < 2) throw new Error(`box ${JSON.stringify(box)} is smaller than 2x2 pixels`);
  if (x >= width || y >= height || x + w <= 0 || y + h <= 0) {
    throw new Error(`box ${JSON.stringify(box)} lies outside the ${width}x${height} photo`);
  }
  return [x, y, w, h];
}

/**
 * Writes the crop of `box` into `out` (RGB float 0..255, [size, size, 3] row-major) at `offset`.
 * Returns the mean RGB (0..255) of the kept pixels (the garment's colour), or null when nothing was kept.
 */
export function garmentCrop(image: RgbaImage, box: Box, keep: KeepTest | undefined, out: Float32Array, offset = 0): [number, number, number] | null {
  const { width, height, data } = image;
  const size = CROP.size;
  const [bx, by, bw, bh] = box;
  const side = Math.max(bw, bh);
  const x0 = bx + bw / 2 - side / 2;
  const y0 = by + bh / 2 - side / 2;
  const step = side / size;
  const sum = [0, 0, 0];
  let kept = 0;
  for (let v = 0; v < size; v++) {
    const sy = y0 + (v + 0.5) * step - 0.5;
    for (let u = 0; u < size; u++) {
      const sx = x0 + (u + 0.5) * step - 0.5;
      const o = offset + (v * size + u) * 3;
      const nx = Math.round(sx);
      const ny = Math.round(sy);
      // Outside the box itself is background too: a neighbouring garment must not leak into the crop.
      const inBox = nx >= bx && nx < bx + bw && ny >= by && ny < by + bh;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height || !inBox || (keep && !keep(nx, ny))) {
        out[o] = out[o + 1] = out[o + 2] = CROP.grey;
        continue;
      }
      // Bilinear colour inside the photo.
      const fx = Math.min(Math.max(sx, 0), width - 1);
      const fy = Math.min(Math.max(sy, 0), height - 1);
      const ix = Math.min(Math.floor(fx), width - 2 < 0 ? 0 : width - 2);
      const iy = Math.min(Math.floor(fy), height - 2 < 0 ? 0 : height - 2);
      const ax = Math.min(fx - ix, 1);
      const ay = Math.min(fy - iy, 1);
      const ix1 = Math.min(ix + 1, width - 1);
      const iy1 = Math.min(iy + 1, height - 1);
      for (let c = 0; c < 3; c++) {
        const p00 = data[(iy * width + ix) * 4 + c];
        const p01 = data[(iy * width + ix1) * 4 + c];
        const p10 = data[(iy1 * width + ix) * 4 + c];
        const p11 = data[(iy1 * width + ix1) * 4 + c];
        const val = (p00 * (1 - ax) + p01 * ax) * (1 - ay) + (p10 * (1 - ax) + p11 * ax) * ay;
        out[o + c] = val;
        sum[c] += val;
      }
      kept++;
    }
  }
  return kept > 0 ? [sum[0] / kept, sum[1] / kept, sum[2] / kept] : null;
}
