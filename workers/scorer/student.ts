/**
 * The shipped outfit student (workers/models/outfit-scorer) as the scorer worker uses it: loaded with its
 * input size read from its own weights (never a hard-coded 1280: the item vectors change models), the
 * person's garments encoded once, and many outfits scored from them with both the logit and the outfit
 * embedding that personalisation needs.
 *
 * Tensor layouts: inputs [N, D] (D = the model's input size), encoded garments [N, d], outfit logits [B],
 * outfit embeddings [B, d] (the student's pooled outfit vector through its projection).
 */
import * as tf from '@tensorflow/tfjs';
import { CATEGORIES, type Category } from '../../common/categories';
import { encodeItems, garmentInput, scoreSlots, type ScorerConfig, OUTFIT } from '../models/outfit-scorer';
import type { ModelSource } from '../models/io';
import type { GarmentColour } from '../../common/types';

export interface Student {
  config: ScorerConfig;
  /** Length of a garment's model input (the item vector's size it was trained on). */
  inputDim: number;
  /** Width of an encoded garment and of the outfit embedding. */
  dim: number;
  weights: Record<string, tf.Tensor>;
  dispose(): void;
}

/** Weights every student has (their shapes are checked against each other, not against a constant). */
const NEEDED = ['in_mean', 'in_scale', 'item_w', 'item_b', 'cat_emb', 'seed', 'pool_q', 'pool_k', 'pair_w', 'head_w1', 'head_b1', 'head_w2', 'head_b2', 'proj_w'];

/** Loads the student from a model.json URL or an IOHandler; the input size comes from its weights. */
export async function loadStudent(source: ModelSource): Promise<Student> {
  const handler = typeof source === 'string' ? tf.io.http(source) : source;
  const artifacts = await handler.load!();
  const topology = artifacts.modelTopology as unknown as { format?: string; config?: ScorerConfig } | undefined;
  if (topology?.format !== 'mirror-outfit-scorer' || topology.config?.kind !== 'student' || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('the outfit model is not a Mirror outfit student');
  }
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const config = topology.config;
  const inputDim = weights.in_mean?.shape[0] ?? 0;
  const problems = NEEDED.filter((n) => !weights[n]);
  if (problems.length === 0) {
    const itemW = weights.item_w.shape;
    if (itemW[0] !== inputDim || itemW[1] !== config.dim || weights.in_scale.shape[0] !== inputDim || weights.cat_emb.shape.join() !== `${OUTFIT.categories},${config.dim}`) {
      problems.push(`shapes (item_w [${itemW}], in_mean [${inputDim}], dim ${config.dim})`);
    }
  }
  if (problems.length > 0) {
    tf.dispose(Object.values(weights));
    throw new Error(`the outfit model's weights do not fit together: ${problems.join(', ')}`);
  }
  return { config, inputDim, dim: config.dim, weights, dispose: () => tf.dispose(Object.values(weights)) };
}

/**
 * The model input of a stored garment (garmentInput: its item vector, named colours and colour histogram),
 * or null when it cannot be one: a vector of another embedding model or no histogram (waiting to be
 * analysed again), or a student trained
 * on another input size than garmentInput now makes.
 */
export function studentInput(student: Student, vector: Float32Array, colours: readonly GarmentColour[], histogram?: readonly number[]): Float32Array | null {
  if (!histogram) return null; // analysed before colour histograms: the re-embedding migration adds it
  try {
    const input = garmentInput(vector, colours, histogram);
    return input.length === student.inputDim ? input : null;
  } catch {
    return null; // garmentInput refuses a vector of another size than the current embedding model's
  }
}

/** Encodes garments once: [N, D] inputs + categories -> [N, d] (kept until disposed by the caller). */
export function encodeGarments(student: Student, inputs: readonly Float32Array[], categories: readonly Category[]): tf.Tensor2D {
  const n = inputs.length;
  const d = student.inputDim;
  const items = new Float32Array(n * d);
  const cats = new Float32Array(n * OUTFIT.categories);
  inputs.forEach((v, i) => {
    items.set(v, i * d);
    cats[i * OUTFIT.categories + CATEGORIES.indexOf(categories[i])] = 1;
  });
  return tf.tidy(() => encodeItems(student.weights, tf.tensor2d(items, [Math.max(n, 0), d]), tf.tensor2d(cats, [n, OUTFIT.categories])));
}

export interface Scored {
  /** Logit (pre-sigmoid) per outfit [B]. */
  logits: Float32Array;
  /** Outfit embeddings [B * d], row-major. */
  embeddings: Float32Array;
}

/** Outfits per forward pass: bounds the [B, S, S] pair tensors (10k outfits of 5 garments ~ 1 MB each). */
const CHUNK = 10_000;

/**
 * Scores outfits given as index lists into the encoded garments `enc` [N, d] (2..8 garments each; more are
 * cut to the first 8). Each chunk is gathered from `enc` with one extra empty row for unused slots.
 */
export async function scoreOutfits(student: Student, enc: tf.Tensor2D, outfits: readonly number[][]): Promise<Scored> {
  const d = student.dim;
  const logits = new Float32Array(outfits.length);
  const embeddings = new Float32Array(outfits.length * d);
  const n = enc.shape[0];
  for (let start = 0; start < outfits.length; start += CHUNK) {
    const part = outfits.slice(start, start + CHUNK);
    const s = Math.min(OUTFIT.slots, Math.max(1, ...part.map((o) => o.length)));
    const idx = new Int32Array(part.length * s).fill(n);
    const mask = new Float32Array(part.length * s);
    part.forEach((o, i) => {
      o.slice(0, s).forEach((g, j) => {
        if (!Number.isInteger(g) || g < 0 || g >= n) throw new Error(`outfit ${start + i}: garment index ${g} is not in 0..${n - 1}`);
        idx[i * s + j] = g;
        mask[i * s + j] = 1;
      });
    });
    const out = tf.tidy(() => {
      const table = tf.concat([enc, tf.zeros([1, d])], 0);
      const slots = tf.reshape(tf.gather(table, tf.tensor1d(idx, 'int32')), [part.length, s, d]) as tf.Tensor3D;
      return scoreSlots(student.config, student.weights, slots, tf.tensor2d(mask, [part.length, s]));
    });
    try {
      const [l, e] = await Promise.all([out.scores.data(), out.embedding.data()]);
      logits.set(l as Float32Array, start);
      embeddings.set(e as Float32Array, start * d);
    } finally {
      tf.dispose([out.scores, out.embedding]);
    }
  }
  return { logits, embeddings };
}
