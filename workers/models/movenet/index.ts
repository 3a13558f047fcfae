/**
 * MoveNet Lightning (single person, 17 COCO keypoints).
 * Input  `input:0`    int32 [1, 192, 192, 3], RGB 0..255, square (we letterbox or crop a square).
 * Output `Identity:0` float [1, 1, 17, 3] = [y, x, score], y and x normalised 0..1 in the input square.
 */
import * as tf from '@tensorflow/tfjs';
import { loadGraphModel, type ModelSource } from '../io';
import { cropSquare, letterbox, type Square } from '../tensor';

export const MOVENET = { inputSize: 192, input: 'input:0', output: 'Identity:0' } as const;

/** COCO keypoint order used by MoveNet. */
export const KEYPOINTS = [
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder',
  'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
  'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
] as const;
export type KeypointName = (typeof KEYPOINTS)[number];
export const KP = Object.fromEntries(KEYPOINTS.map((name, i) => [name, i])) as Record<KeypointName, number>;

/** [x, y, score] in image pixels. */
export type Keypoint = [number, number, number];

export interface PoseModel {
  /** Keypoints of the most prominent person inside `region` (default: the whole image, letterboxed). */
  estimatePose(image: tf.Tensor3D, region?: Square): Promise<Keypoint[]>;
  dispose(): void;
}

export async function load(source: ModelSource): Promise<PoseModel> {
  const model = await loadGraphModel(source);
  return {
    async estimatePose(image, region) {
      const [h, w] = image.shape;
      const square = region ?? letterbox(w, h);
      const output = tf.tidy(() => {
        const input = tf.cast(cropSquare(image, square, MOVENET.inputSize), 'int32');
        return model.execute({ [MOVENET.input]: input }, MOVENET.output) as tf.Tensor;
      });
      const values = await output.data();
      output.dispose();
      const keypoints: Keypoint[] = [];
      for (let i = 0; i < KEYPOINTS.length; i++) {
        const [y, x, score] = [values[i * 3], values[i * 3 + 1], values[i * 3 + 2]];
        keypoints.push([square.x + x * square.size, square.y + y * square.size, score]);
      }
      return keypoints;
    },
    dispose: () => model.dispose(),
  };
}
