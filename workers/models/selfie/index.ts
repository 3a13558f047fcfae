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
