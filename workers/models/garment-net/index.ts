/**
 * Garment net: Mirror's own fine-tuned MobileNetV2 (trained by training/garments/, see
 * docs/garment-models.md) with two heads on its pooled features: the garment type (the ten
 * `clothing_fine_labels`) and a compact garment embedding for "similar items".
 *
 * Input  `input_1`         float [n, 224, 224, 3], RGB / 255 (0..1); this module takes 0..255 and divides.
 * Output `garment_type`    float [n, 10], softmax over GARMENT_NET.labels (in that order).
 * Output `garment_embed`   float [n, D], not normalised; embed() L2-normalises it (cosine = dot product).
 *
 * Crops are expected the way the pipeline makes them: a square around the garment (grown to its long
 * side, outside the photo neutral grey 128), resized to 224 x 224.
 * BatchNorm was folded into the convolutions before export, so the graph is Conv2D/DepthwiseConv2D with
 * bias + ReLU6 only.
 */
import * as tf from '@tensorflow/tfjs';
import { loadLayersModel, type ModelSource } from '../io';

export const GARMENT_NET = {
  inputSize: 224,
  /** The ten `clothing_fine_labels` of the shared categories.json, in the order of the model's output. */
  labels: ['Dress', 'Hat', 'Longsleeve', 'Outwear', 'Pants', 'Shirt', 'Shoes', 'Shorts', 'Skirt', 'T-Shirt'],
  outputs: { type: 'garment_type', embed: 'garment_embed' },
} as const;

export type GarmentLabel = (typeof GARMENT_NET.labels)[number];

export interface GarmentNetConfig {
  /** model.json URL (public/models/trained/garment-net/model.json) or an IOHandler (Node). */
  source: ModelSource;
}

export interface GarmentType {
  label: GarmentLabel;
  /** Probabilities over GARMENT_NET.labels (sum 1). */
  probabilities: Float32Array;
}

export interface GarmentNet {
  /** Garment type per crop of a batch [n, 224, 224, 3] in RGB 0..255; one model call. */
  classify(crops: tf.Tensor4D): Promise<GarmentType[]>;
  /** L2-normalised embeddings per crop (same input as classify); one model call. */
  embed(crops: tf.Tensor4D): Promise<Float32Array[]>;
  /**
   * Both, from one model call. With `mirror`, the call also sees every crop mirrored left-right and each
   * type is the mean of the two probabilities (val accuracy 0.842 -> 0.852 on single-garment photos,
   * docs/garment-models.md); the embedding stays the crop's own.
   */
  analyze(crops: tf.Tensor4D, options?: { mirror?: boolean }): Promise<{ types: GarmentType[]; vectors: Float32Array[] }>;
  readonly dim: number;
  dispose(): void;
}

async function rows(t: tf.Tensor2D): Promise<Float32Array[]> {
  const [n, d] = t.shape;
  const flat = (await t.data()) as Float32Array;
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

function argmax(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

export async function load(config: GarmentNetConfig): Promise<GarmentNet> {
  const model = await loadLayersModel(config.source);
  const names = model.outputNames;
  const typeAt = names.indexOf(GARMENT_NET.outputs.type);
  const embedAt = names.indexOf(GARMENT_NET.outputs.embed);
  if (typeAt < 0 || embedAt < 0) {
    model.dispose();
    throw new Error(`garment-net: outputs ${names.join(', ')} lack ${GARMENT_NET.outputs.type} or ${GARMENT_NET.outputs.embed}`);
  }
  const dim = (model.outputs[embedAt].shape[1] as number) ?? 0;

  // [probabilities [n, 10], L2-normalised embeddings [n, D]]; the caller disposes both.
  const run = (crops: tf.Tensor4D): [tf.Tensor2D, tf.Tensor2D] =>
    tf.tidy(() => {
      const out = model.predict(tf.div(crops, 255)) as tf.Tensor[];
      const e = out[embedAt] as tf.Tensor2D;
      // Epsilon keeps an all-zero vector finite.
      const unit = tf.div(e, tf.add(tf.norm(e, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
      return [out[typeAt] as tf.Tensor2D, unit];
    });

  const types = (probs: Float32Array[]): GarmentType[] =>
    probs.map((p) => ({ label: GARMENT_NET.labels[argmax(p)], probabilities: p }));

  async function analyze(crops: tf.Tensor4D, options: { mirror?: boolean } = {}) {
    const n = crops.shape[0];
    if (n === 0) return { types: [], vectors: [] };
    const both = options.mirror ? tf.tidy(() => tf.concat([crops, tf.reverse(crops, 2)]) as tf.Tensor4D) : crops;
    const [p, e] = run(both);
    if (both !== crops) both.dispose();
    try {
      const probs = await rows(p);
      const vectors = (await rows(e)).slice(0, n);
      const own = options.mirror ? probs.slice(0, n).map((q, i) => q.map((v, k) => (v + probs[n + i][k]) / 2)) : probs;
      return { types: types(own), vectors };
    } finally {
      p.dispose();
      e.dispose();
    }
  }

  return {
    dim,
    analyze,
    classify: async (crops) => (await analyze(crops)).types,
    embed: async (crops) => (await analyze(crops)).vectors,
    dispose: () => model.dispose(),
  };
}
