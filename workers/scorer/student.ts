/**
 * The shipped outfit student (workers/models/outfit-scorer) as the scorer worker uses it: loaded with its
 * input size read from its own weights (never a hard-coded 1280: the item vectors change models), the
 * person's garments encoded once, and many outfits scored from them with both the logit and the outfit
 * embedding that personalisation needs. A student of several members (trained apart, each its own seed)
 * scores an outfit with the mean of their logits.
 *
 * Tensor layouts: inputs [N, D] (D = the model's input size), encoded garments [N, M * d] (each member's
 * d-wide encoding side by side), outfit logits [B], outfit embeddings [B, d] (the first member's pooled
 * outfit vector through its projection: the space the person's taste is fitted in).
 */
import * as tf from '@tensorflow/tfjs';
import { CATEGORIES, type Category } from '../../common/categories';
import { encodeItems, garmentInput, loadWeights, meanLogits, memberCount, scoreSlots, slotsOf, type ScorerConfig, OUTFIT } from '../models/outfit-scorer';
import type { ModelSource } from '../models/io';
import type { GarmentColour } from '../../common/types';

export interface Student {
  config: ScorerConfig;
  /** Length of a garment's model input (the item vector's size it was trained on). */
  inputDim: number;
  /** Width of one member's encoded garment and of the outfit embedding. */
  dim: number;
  /** One weight set per member; their logits are averaged. */
  members: Record<string, tf.Tensor>[];
  dispose(): void;
}

/** Loads the student from a model.json URL or an IOHandler; the input size comes from its weights. */
export async function loadStudent(source: ModelSource): Promise<Student> {
  let loaded: Awaited<ReturnType<typeof loadWeights>>;
  try {
    loaded = await loadWeights(source);
  } catch (error) {
    throw new Error(`the outfit model is not a Mirror outfit student: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { config, members } = loaded;
  const dispose = () => members.forEach((w) => tf.dispose(Object.values(w)));
  if (config.kind !== 'student' || !(config.inputDim > 0)) {
    dispose();
    throw new Error(`the outfit model is not a Mirror outfit student (kind ${config.kind})`);
  }
  return { config, inputDim: config.inputDim, dim: config.dim, members, dispose };
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

/** Encodes garments once: [N, D] inputs + categories -> [N, M * d] (kept until disposed by the caller). */
export function encodeGarments(student: Student, inputs: readonly Float32Array[], categories: readonly Category[]): tf.Tensor2D {
  const n = inputs.length;
  const d = student.inputDim;
  const items = new Float32Array(n * d);
  const cats = new Float32Array(n * OUTFIT.categories);
  inputs.forEach((v, i) => {
    items.set(v, i * d);
    cats[i * OUTFIT.categories + CATEGORIES.indexOf(categories[i])] = 1;
  });
  return tf.tidy(() => {
    const x = tf.tensor2d(items, [Math.max(n, 0), d]);
    const c = tf.tensor2d(cats, [n, OUTFIT.categories]);
    const each = student.members.map((w) => encodeItems(w, x, c));
    return each.length === 1 ? each[0] : (tf.concat(each, 1) as tf.Tensor2D);
  });
}

export interface Scored {
  /** Logit (pre-sigmoid) per outfit [B]. */
  logits: Float32Array;
  /** Outfit embeddings [B * d], row-major. */
  embeddings: Float32Array;
}

/** Outfits per forward pass: bounds the slot tensors ([B, S, M * d]: 10k outfits of 5 garments, 3 members of 24 ~ 14 MB). */
const CHUNK = 10_000;

/**
 * Scores outfits given as index lists into the encoded garments `enc` [N, M * d] (2..8 garments each; more are
 * cut to the first 8). Each chunk's garments are copied into outfit slots by slotsOf (empty slots zero); each member
 * scores its own d columns, and the logits are averaged.
 */
export async function scoreOutfits(student: Student, enc: tf.Tensor2D, outfits: readonly number[][]): Promise<Scored> {
  const d = student.dim;
  const m = memberCount(student.config);
  const logits = new Float32Array(outfits.length);
  const embeddings = new Float32Array(outfits.length * d);
  const table = (await enc.data()) as Float32Array;
  for (let start = 0; start < outfits.length; start += CHUNK) {
    const part = outfits.slice(start, start + CHUNK);
    const out = tf.tidy(() => {
      const { slots, mask } = slotsOf(table, m * d, part, start);
      const s = slots.shape[1];
      const each = student.members.map((w, k) => scoreSlots(student.config, w, m === 1 ? slots : (tf.slice(slots, [0, 0, k * d], [part.length, s, d]) as tf.Tensor3D), mask));
      return { scores: meanLogits(each.map((e) => e.scores)), embedding: each[0].embedding };
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
