/**
 * MediaPipe Selfie segmentation (landscape-free 256x256 variant shipped with @vladmandic/human).
 * Input  `input_1:0`      float [1, 256, 256, 3], RGB 0..1, square (we crop a square region).
 * Output `activation_10:0` float [1, 256, 256, 1], person probability 0..1.
 */
import * as tf from '@tensorflow/tfjs';
import { loadGraphModel, type ModelSource } from '../io';
import { cropSquare, letterbox, type Square } from '../tensor';

export const SELFIE = { inputSize: 256, input: 'input_1:0', output: 'activation_10:0' } as const;

/** A person-probability mask over a square region of the image. */
export interface PersonMask {
  /** The square of the image the mask covers, in image pixels. */
  region: Square;
  /** Mask side in cells (SELFIE.inputSize). */
  size: number;
  /** Row-major probabilities 0..1, size * size. */
  data: Float32Array;
}

export interface Segmenter {
  /** The mask as a tensor [256, 256] (the caller disposes it), for use inside other tensor code. */
  segmentTensor(image: tf.Tensor3D, region?: Square): tf.Tensor2D;
  segment(image: tf.Tensor3D, region?: Square): Promise<PersonMask>;
  dispose(): void;
}

export async function load(source: ModelSource): Promise<Segmenter> {
  const model = await loadGraphModel(source);
  const size = SELFIE.inputSize;
  const segmentTensor = (image: tf.Tensor3D, region?: Square): tf.Tensor2D =>
    tf.tidy(() => {
      const [h, w] = image.shape;
      const input = tf.div(cropSquare(image, region ?? letterbox(w, h), size), 255);
      const out = model.execute({ [SELFIE.input]: input }, SELFIE.output) as tf.Tensor;
      return tf.reshape(out, [size, size]) as tf.Tensor2D;
    });
  return {
    segmentTensor,
    async segment(image, region) {
      const [h, w] = image.shape;
      const square = region ?? letterbox(w, h);
      const mask = segmentTensor(image, square);
      const data = (await mask.data()) as Float32Array;
      mask.dispose();
      return { region: square, size, data };
    },
    dispose: () => model.dispose(),
  };
}

/**
 * A fixed head-and-shoulders picture with deterministic noise, on which the model gives many
 * intermediate probabilities (about 8,700 of the 65,536 cells between 0.05 and 0.95 on WASM), so that
 * comparing backends on it compares real arithmetic rather than saturated zeros and ones.
 */
export function syntheticPortrait(size = SELFIE.inputSize): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(size * size * 4);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const u = x / size - 0.5;
      const v = y / size;
      let c = [90 + 60 * v, 140, 190 - 40 * v]; // background gradient
      if ((u / 0.17) ** 2 + ((v - 0.38) / 0.22) ** 2 < 1) c = [224, 172, 140]; // face
      if ((u / 0.19) ** 2 + ((v - 0.3) / 0.2) ** 2 < 1 && v < 0.26) c = [60, 40, 30]; // hair
      if ((u / 0.42) ** 2 + ((v - 1.0) / 0.4) ** 2 < 1) c = [40, 60, 120]; // shoulders
      for (let k = 0; k < 3; k++) data[i + k] = c[k] + (random() - 0.5) * 30;
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}
