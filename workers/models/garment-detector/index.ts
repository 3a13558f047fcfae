/**
 * Garment detector: Mirror's own garment segmentation (trained by training/garments/detector.py, see
 * docs/garment-models.md). A fine-tuned trunk with a light head labels every cell of the letterboxed photo with one
 * of its classes; workers/pipeline/regions.ts turns the class map into garments.
 *
 * The model is a tfjs graph model (training/garments/export_detector.py): input `input` float [1, H, W, 3], RGB / 255,
 * the photo letterboxed (see letterbox()) to the metadata's `input` (480 x 320); output (metadata `output`, `stride` 4)
 * float [1, H / 4, W / 4, C] class logits, of which segment() takes the softmax per cell. The shipped one is garment
 * detector 4: three nsfwjs MobileNetV2 networks with a decoder and a stride-4 correction (seeds 1, 2 and 3, on one
 * shared frozen stem and blocks 0-2), their logits averaged in the graph. The same export holds detectors on
 * CenterNet's trunk and the two trunks mixed (measured, not shipped: docs/garment-models.md).
 * The model's userDefinedMetadata carries the classes, the input size and the post-processing thresholds
 * tuned with it, so the weights and the thresholds cannot drift apart.
 */
import * as tf from '@tensorflow/tfjs';
import { artifacts, dequantized, type ModelSource } from '../io';

export const DETECTOR = {
  /** Grey (0..255) around the letterboxed photo; the same as the training's. */
  grey: 128,
  /** Class map resolution: input pixels per cell. */
  mapStride: 4,
} as const;

/** One category's thresholds (see workers/pipeline/regions.ts). */
export interface CategoryThresholds {
  /** A cell is the category's where its probability is at least this; null: where it is the most likely class. */
  min_prob: number | null;
  /** Components with fewer cells are dropped. */
  min_cells: number;
  /** Components whose mean probability of the category is lower are dropped. */
  min_score: number;
}

/** Per-category thresholds on connected components, tuned with the weights. */
export interface PostProcessing {
  /** Components whose boxes, each grown by this fraction of its size, overlap are one garment. */
  merge_grow: number;
  [category: string]: number | CategoryThresholds;
}

export interface DetectorMetadata {
  classes: string[];
  /** [height, width] of the model input. */
  input: [number, number];
  /** Input pixels per cell of the output: DETECTOR.mapStride. */
  stride: number;
  /** The graph's output node. */
  output: string;
  post: PostProcessing;
}

/** Where the photo sits in the letterboxed input: input = photo * scale + offset. */
export interface Letterbox {
  offsetX: number;
  offsetY: number;
  scale: number;
}

/** Class probabilities per cell: probs[(row * width + col) * classes.length + c]; cell = mapStride input px. */
export interface ClassMap {
  width: number;
  height: number;
  classes: readonly string[];
  probs: Float32Array;
  letterbox: Letterbox;
  /** Input pixels per cell. */
  stride: number;
}

export interface GarmentDetector {
  readonly metadata: DetectorMetadata;
  /** The class map of an RGB photo [h, w, 3] (0..255, any size). */
  segment(rgb: tf.Tensor3D): Promise<ClassMap>;
  dispose(): void;
}

/**
 * The photo scaled to fit [height, width] keeping its aspect, centred, grey around; RGB / 255.
 * Scaling halves by 2 x 2 average pooling while the photo is at least twice the target, then resizes
 * bilinearly (half-pixel centres): training/garments/detector.py letterbox() does the same.
 */
export function letterbox(rgb: tf.Tensor3D, [height, width]: [number, number]): { input: tf.Tensor4D; box: Letterbox } {
  const [h0, w0] = rgb.shape;
  const scale = Math.min(width / w0, height / h0);
  const nw = Math.max(1, Math.round(w0 * scale));
  const nh = Math.max(1, Math.round(h0 * scale));
  const offsetX = Math.round((width - nw) / 2);
  const offsetY = Math.round((height - nh) / 2);
  const input = tf.tidy(() => {
    let x = tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D;
    while (x.shape[2] / 2 >= nw && x.shape[1] / 2 >= nh) x = tf.avgPool(x, 2, 2, 'valid');
    x = tf.image.resizeBilinear(x, [nh, nw], false, true);
    x = tf.pad(x, [[0, 0], [offsetY, height - nh - offsetY], [offsetX, width - nw - offsetX], [0, 0]], DETECTOR.grey);
    return tf.div(x, 255) as tf.Tensor4D;
  });
  return { input, box: { offsetX, offsetY, scale: nw / w0 } };
}

export async function load(source: ModelSource): Promise<GarmentDetector> {
  const loaded = dequantized(await artifacts(source));
  const metadata = loaded.userDefinedMetadata as DetectorMetadata | undefined;
  if (!metadata?.classes || !metadata.input || !metadata.post) {
    throw new Error('garment-detector: model.json lacks userDefinedMetadata (classes, input, post)');
  }
  if (loaded.format !== 'graph-model' || metadata.stride !== DETECTOR.mapStride || !metadata.output) {
    throw new Error(`garment-detector: expected a graph model with its logits at stride ${DETECTOR.mapStride} in the metadata's output `
      + `(format ${loaded.format}, stride ${metadata.stride}, output ${metadata.output ?? 'none'}); export_detector.py writes one`);
  }
  const { output } = metadata;
  const model = await tf.loadGraphModel(tf.io.fromMemory(loaded));
  return {
    metadata,
    async segment(rgb) {
      const { input, box } = letterbox(rgb, metadata.input);
      const probs = tf.tidy(() => tf.softmax(model.execute(input, output) as tf.Tensor4D));
      input.dispose();
      const [, height, width] = probs.shape;
      const data = (await probs.data()) as Float32Array;
      probs.dispose();
      return { width, height, classes: metadata.classes, probs: data, letterbox: box, stride: DETECTOR.mapStride };
    },
    dispose: () => model.dispose(),
  };
}
