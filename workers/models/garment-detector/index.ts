/**
 * Garment detector: Mirror's own garment segmentation (trained by training/garments/detector.py, see
 * docs/garment-models.md). A fine-tuned trunk with a light head labels every cell of the letterboxed photo with one
 * of its classes; workers/pipeline/regions.ts turns the class map into garments. Two kinds of model.json:
 *
 * - a tfjs layers model (the nsfwjs MobileNetV2 with a decoder: garment detectors 1-4; the shipped model is three
 *   such networks, seeds 1, 2 and 3, on one shared frozen stem and blocks 0-2, whose logits and corrections the graph
 *   averages). Input `input_1` float [1, H, W, 3], RGB / 255: the photo letterboxed (see letterbox()) to the
 *   metadata's `input` (480 x 320 for the shipped model).
 *   Output `dec_logits` float [1, H / 8, W / 8, C] class logits at stride 8. segment() upsamples them x2 (bilinear,
 *   half-pixel centres: what training scored) and takes the softmax per cell.
 *   Output `dec_logits4` (a model trained with --fine4; metadata `correction4` names it) float [1, H / 4, W / 4, C]:
 *   a stride-4 correction added to the upsampled logits before the softmax.
 * - a tfjs graph model: CenterNet's MobileNetV3 and neck fine-tuned with a stride-4 head (`detector.py --trunk
 *   centernet`), members averaged in the graph; or (`detector_mix.py --export`) such a CenterNet detector and a
 *   MobileNetV2 one as above side by side in one graph, their stride-4 logits mixed with a weight. Input `input`, the
 *   same pixels; output (metadata `output`, `stride` 4) float [1, H / 4, W / 4, C] class logits.
 * segment() takes the softmax per cell of the stride-4 logits.
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
  /** Input pixels per cell of the model's (first) logits: 8 (layers models), or 4 (graph models). */
  stride: number;
  /** A graph model's output node. */
  output?: string;
  post: PostProcessing;
  /** The output holding a stride-4 correction of the upsampled logits, if the model has one. */
  correction4?: string;
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

/** The model's class logits at stride mapStride for a letterboxed input, and how to free it. */
interface Logits {
  logits(input: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

async function graphLogits(loaded: tf.io.ModelArtifacts, metadata: DetectorMetadata): Promise<Logits> {
  const output = metadata.output;
  if (metadata.stride !== DETECTOR.mapStride || !output) {
    throw new Error(`garment-detector: a graph model gives its logits at stride ${DETECTOR.mapStride} from the metadata's output (stride ${metadata.stride}, output ${output ?? 'none'})`);
  }
  const model = await tf.loadGraphModel(tf.io.fromMemory(loaded));
  return { logits: (input) => model.execute(input, output) as tf.Tensor4D, dispose: () => model.dispose() };
}

async function layersLogits(loaded: tf.io.ModelArtifacts, metadata: DetectorMetadata): Promise<Logits> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(loaded));
  const fine = metadata.correction4 ? model.outputNames.indexOf(metadata.correction4) : -1;
  if (model.outputNames.length !== (metadata.correction4 ? 2 : 1) || (metadata.correction4 && fine < 0)) {
    model.dispose();
    throw new Error(`garment-detector: outputs ${model.outputNames.join(', ')} do not match the metadata's correction4 (${metadata.correction4 ?? 'none'})`);
  }
  return {
    logits(input) {
      const out = model.predict(input);
      const logits = (Array.isArray(out) ? out[1 - fine] : out) as tf.Tensor4D;
      const [, h, w] = logits.shape;
      const up = tf.image.resizeBilinear(logits, [h * 2, w * 2], false, true);
      return Array.isArray(out) ? tf.add(up, out[fine]) : up;
    },
    dispose: () => model.dispose(),
  };
}

export async function load(source: ModelSource): Promise<GarmentDetector> {
  const loaded = dequantized(await artifacts(source));
  const metadata = loaded.userDefinedMetadata as DetectorMetadata | undefined;
  if (!metadata?.classes || !metadata.input || !metadata.post) {
    throw new Error('garment-detector: model.json lacks userDefinedMetadata (classes, input, post)');
  }
  const model = loaded.format === 'graph-model' ? await graphLogits(loaded, metadata) : await layersLogits(loaded, metadata);
  return {
    metadata,
    async segment(rgb) {
      const { input, box } = letterbox(rgb, metadata.input);
      const probs = tf.tidy(() => tf.softmax(model.logits(input)));
      input.dispose();
      const [, height, width] = probs.shape;
      const data = (await probs.data()) as Float32Array;
      probs.dispose();
      return { width, height, classes: metadata.classes, probs: data, letterbox: box, stride: DETECTOR.mapStride };
    },
    dispose: () => model.dispose(),
  };
}
