/** Small tensor helpers shared by the model modules. */
import * as tf from '@tensorflow/tfjs';
import type { RgbaImage } from '../../common/types';

/** RGBA bytes -> float32 [H, W, 3] in 0..255 (alpha dropped). The caller disposes it. */
export function rgbTensor(image: RgbaImage): tf.Tensor3D {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) {
    throw new Error(`RgbaImage data has ${data.length} bytes, expected ${width}x${height}x4 = ${width * height * 4}`);
  }
  // One JS pass straight to float RGB: about 5x faster on WASM than an int32 RGBA tensor + slice + cast
  // (60 vs 300 ms for 1045x1600), because the pixels are copied into the backend once.
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = data[i];
    rgb[j + 1] = data[i + 1];
    rgb[j + 2] = data[i + 2];
  }
  return tf.tensor3d(rgb, [height, width, 3]);
}

/** A square region of an image, in image pixels; it may reach outside the image (padded). */
export interface Square {
  x: number;
  y: number;
  size: number;
}

/** The square that holds the whole image, centred (letterbox). */
export function letterbox(width: number, height: number): Square {
  const size = Math.max(width, height);
  return { x: (width - size) / 2, y: (height - size) / 2, size };
}

/**
 * Crops `square` from `image` [H, W, 3] and resizes it to [1, out, out, 3] (bilinear); outside the
 * image is `fill`. Returns float32 in the image's range.
 */
export function cropSquare(image: tf.Tensor3D, square: Square, out: number, fill = 0): tf.Tensor4D {
  const [h, w] = image.shape;
  return tf.tidy(() => {
    // cropAndResize boxes: [y1, x1, y2, x2] normalised so that 0 and 1 are the first and last pixel.
    const box = [
      square.y / (h - 1),
      square.x / (w - 1),
      (square.y + square.size - 1) / (h - 1),
      (square.x + square.size - 1) / (w - 1),
    ];
    return tf.image.cropAndResize(tf.expandDims(image, 0) as tf.Tensor4D, [box], [0], [out, out], 'bilinear', fill);
  });
}
