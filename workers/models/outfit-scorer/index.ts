/**
 * Outfit compatibility scorer: how well a set of garments goes together (higher = more compatible).
 *
 * Two sizes of the same job, both on garmentInput's vector of every garment (its garment-net embedding,
 * workers/models/garment-net, 128-d, L2-normalised, of crop.ts' grey-background crop, plus a few numbers
 * of its mean colour) and its category:
 *  - teacher: item layer (I -> 128) + 2 self-attention blocks over the garments (4 heads, feed-forward
 *    256, layer norm) + attention pooling with a learned seed (PMA) + score MLP; trained in Node, kept in
 *    .cache/, never shipped.
 *  - student: item layer (I -> 24) + one attention pooling with a learned seed, mean pooling and the
 *    mean pairwise agreement of the garments + score MLP; shipped in public/models/trained/outfit-student/.
 *
 * Tensor layouts (S = OUTFIT.slots, I = config.inputDim; empty slots are masked out everywhere):
 *   items    float [N, I]     garment inputs        cats  float [N, 8] one-hot category (CATEGORIES order)
 *   slots    float [B, S, d]  encoded garments      mask  float [B, S] 1 = garment, 0 = empty slot
 *   scores   float [B]        logits (pre-sigmoid)  embedding float [B, d] pooled outfit vector (for CL)
 * Only dense ops (matMul, softmax, elementwise) are used in training: they all have gradients on WASM
 * (gather does not: its gradient needs UnsortedSegmentSum), so training feeds the garments slot by slot
 * and only inference gathers from encoded garments (each garment encoded once, however many outfits).
 */
import * as tf from '@tensorflow/tfjs';
import { CATEGORIES, type Category } from '../../../common/categories';
import { PALETTE, toLab } from '../../../common/colour-names';
import { HISTOGRAM_SIZE } from '../../pipeline/colours';
import type { GarmentColour } from '../../../common/types';
import type { ModelSource } from '../io';
import { rng } from '../../../common/random';

/** Width of a garment's stored embedding: garment-net's `garment_embed` output (GarmentNet.dim). */
export const GARMENT_EMBEDDING_DIM = 128;
/**
 * Numbers garmentInput appends for the garment's colours (see colourFeatures): mean colour (4), palette
 * shares (16) and the square roots of its colour histogram's shares (64).
 */
export const COLOUR_FEATURES = 4 + PALETTE.length + HISTOGRAM_SIZE;

export const OUTFIT = {
  /** Garments per outfit at most (CCP outfits have 2..8 after dropping tiny ones). */
  slots: 8,
  /** garment-net embedding width (the first values of a garment input). */
  embeddingDim: GARMENT_EMBEDDING_DIM,
  /** Garment input size of the current models: embedding + colour (see garmentInput). */
  inputDim: GARMENT_EMBEDDING_DIM + COLOUR_FEATURES,
  categories: CATEGORIES.length,
  /** Bias added to attention logits of empty slots. */
  maskBias: -1e9,
} as const;

export type ScorerKind = 'teacher' | 'student';

export interface ScorerConfig {
  kind: ScorerKind;
  /** Garment input width (garmentInput's length when the model was trained). */
  inputDim: number;
  /** Width of encoded garments. */
  dim: number;
  /** Teacher only: self-attention blocks, heads, feed-forward width. */
  blocks: number;
  heads: number;
  ff: number;
  /** Hidden width of the score MLP. */
  hidden: number;
  /**
   * Copies of the model trained apart (each its own seed) whose logits are averaged: the teacher's members. 1 when
   * absent (every student).
   */
  members?: number;
}

// Sizes bounded by training time: on one shared WASM thread a step of the teacher costs ~0.5 s at these sizes.
export const TEACHER_CONFIG: ScorerConfig = { kind: 'teacher', inputDim: OUTFIT.inputDim, dim: 128, blocks: 2, heads: 4, ff: 256, hidden: 64 };
export const STUDENT_CONFIG: ScorerConfig = { kind: 'student', inputDim: OUTFIT.inputDim, dim: 24, blocks: 0, heads: 1, ff: 0, hidden: 24 };

/** A batch of outfits as slot tensors (see the layouts above). The caller disposes them. */
export interface OutfitBatch {
  /** [B*S, I] garment inputs, slot-major within each outfit (zeros in empty slots). */
  items: tf.Tensor2D;
  /** [B*S, 8] one-hot categories (zeros in empty slots). */
  cats: tf.Tensor2D;
  /** [B, S] 1 = garment. */
  mask: tf.Tensor2D;
}

/** A type, not an interface, so that it is a tf.TensorContainer (tf.tidy may return it). */
export type ForwardOut = {
  scores: tf.Tensor1D;
  embedding: tf.Tensor2D;
};

/** A deterministic PRNG (mulberry32), so that initial weights and sampling repeat with the seed. */
export { rng };

/** Weight shapes of a configuration (name -> shape); biases start at zero, matrices Glorot-uniform. */
export function weightShapes(c: ScorerConfig): Record<string, number[]> {
  const s: Record<string, number[]> = {
    in_mean: [c.inputDim], in_scale: [c.inputDim],
    item_w: [c.inputDim, c.dim], item_b: [c.dim], cat_emb: [OUTFIT.categories, c.dim],
    seed: [1, c.dim], pool_q: [c.dim, c.dim], pool_k: [c.dim, c.dim],
    head_w1: [c.kind === 'teacher' ? c.dim : 3 * c.dim + 1, c.hidden], head_b1: [c.hidden], head_w2: [c.hidden, 1], head_b2: [1],
    proj_w: [c.dim, c.dim],
  };
  if (c.kind === 'teacher') {
    for (let i = 0; i < c.blocks; i++) {
      for (const m of ['q', 'k', 'v', 'o']) s[`sab${i}_${m}`] = [c.dim, c.dim];
      s[`sab${i}_f1`] = [c.dim, c.ff];
      s[`sab${i}_f1b`] = [c.ff];
      s[`sab${i}_f2`] = [c.ff, c.dim];
      s[`sab${i}_f2b`] = [c.dim];
    }
    s.pool_v = [c.dim, c.dim];
    s.pool_o = [c.dim, c.dim];
  } else {
    s.pair_w = [c.dim, c.dim];
  }
  return s;
}

let initCount = 0;

/** Per-dimension input standardisation (fixed, from the training garments): x' = (x - mean) * scale. */
export interface InputStats {
  mean: Float32Array;
  scale: Float32Array;
}

/** Weights that training does not change. */
export const FIXED_WEIGHTS = ['in_mean', 'in_scale'];

export function initWeights(c: ScorerConfig, seed: number, stats?: InputStats): Record<string, tf.Variable> {
  const r = rng(seed);
  // tfjs variable names are global: one prefix per set of weights.
  const prefix = `outfit_${c.kind}_${initCount++}/`;
  const out: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(weightShapes(c))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    if (name === 'in_mean') v.set(stats?.mean ?? v);
    if (name === 'in_scale') v.set(stats?.scale ?? v.fill(1));
    if (shape.length === 2 && name !== 'head_b2') {
      const limit = name === 'seed' || name === 'cat_emb' ? 0.1 : Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < size; i++) v[i] = (r() * 2 - 1) * limit;
    }
    const init = tf.tensor(v, shape);
    out[name] = tf.variable(init, !FIXED_WEIGHTS.includes(name), prefix + name);
    init.dispose();
  }
  return out;
}

type Weights = Record<string, tf.Tensor>;

/** Layer norm over the last axis, without learned gain (the following dense layer has its own scale). */
function layerNorm(x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

/**
 * x [n, k] @ w [k, m] with a gradient that transposes explicitly: on tfjs-wasm a matMul with
 * transposeA / transposeB (what tfjs' own matMul gradient uses) runs ~10-20x slower than a transpose
 * followed by a plain matMul (453 ms vs 22 ms for 1152x1280x128, measured in Node).
 */
export const dense = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;

/** Encodes garments: [N, I] + [N, 8] -> [N, d]. */
export function encodeItems(w: Weights, items: tf.Tensor2D, cats: tf.Tensor2D): tf.Tensor2D {
  const x = tf.mul(tf.sub(items, w.in_mean), w.in_scale);
  return tf.relu(tf.add(tf.add(dense(x, w.item_w), w.item_b), dense(cats, w.cat_emb))) as tf.Tensor2D;
}

/** Multi-head attention of queries [B, Q, d] over keys/values [B, S, d] with key mask [B, S]. */
function attention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, heads: number): tf.Tensor3D {
  const [b, nq, d] = q.shape;
  const s = k.shape[1];
  const dk = d / heads;
  const split = (x: tf.Tensor3D, n: number) => tf.reshape(tf.transpose(tf.reshape(x, [b, n, heads, dk]), [0, 2, 1, 3]), [b * heads, n, dk]) as tf.Tensor3D;
  const logits = tf.div(tf.matMul(split(q, nq), split(k, s), false, true), Math.sqrt(dk)); // [B*h, Q, S]
  const bias = tf.reshape(tf.tile(tf.reshape(tf.mul(tf.sub(1, mask), OUTFIT.maskBias), [b, 1, 1, s]), [1, heads, 1, 1]), [b * heads, 1, s]);
  const att = tf.softmax(tf.add(logits, bias)); // [B*h, Q, S]
  const o = tf.matMul(att, split(v, s)) as tf.Tensor3D; // [B*h, Q, dk]
  return tf.reshape(tf.transpose(tf.reshape(o, [b, heads, nq, dk]), [0, 2, 1, 3]), [b, nq, d]) as tf.Tensor3D;
}

const dense3 = (x: tf.Tensor3D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor3D => {
  const [n, s, d] = x.shape;
  const y = dense(tf.reshape(x, [n * s, d]), w);
  return tf.reshape(b ? tf.add(y, b) : y, [n, s, -1]) as tf.Tensor3D;
};

/** Scores encoded outfits: slots [B, S, d], mask [B, S] -> logits [B] and pooled embedding [B, d]. */
export function scoreSlots(c: ScorerConfig, w: Weights, slots: tf.Tensor3D, mask: tf.Tensor2D): ForwardOut {
  const [b, s, d] = slots.shape;
  const m3 = tf.reshape(mask, [b, s, 1]);
  let h = tf.mul(slots, m3) as tf.Tensor3D;
  const seedQ1 = dense(w.seed, w.pool_q); // [1, d]
  let pooled: tf.Tensor2D;
  let features: tf.Tensor2D;
  if (c.kind === 'teacher') {
    for (let i = 0; i < c.blocks; i++) {
      const a = attention(dense3(h, w[`sab${i}_q`]), dense3(h, w[`sab${i}_k`]), dense3(h, w[`sab${i}_v`]), mask, c.heads);
      h = layerNorm(tf.add(h, dense3(a, w[`sab${i}_o`]))) as tf.Tensor3D;
      const f = dense3(tf.relu(dense3(h, w[`sab${i}_f1`], w[`sab${i}_f1b`])) as tf.Tensor3D, w[`sab${i}_f2`], w[`sab${i}_f2b`]);
      h = tf.mul(layerNorm(tf.add(h, f)), m3) as tf.Tensor3D;
    }
    const seedQ = tf.tile(tf.reshape(seedQ1, [1, 1, d]), [b, 1, 1]) as tf.Tensor3D;
    const a = attention(seedQ, dense3(h, w.pool_k), dense3(h, w.pool_v), mask, c.heads); // [B, 1, d]
    pooled = tf.reshape(dense3(a, w.pool_o), [b, d]) as tf.Tensor2D;
    features = pooled;
  } else {
    // One-head attention pooling with the learned seed, plus mean pooling and pairwise agreement. Written with
    // plain [B * S, d] matMuls and sums: the seed is the same for every outfit, so its attention logits are
    // h (pool_k seed_q^T), and the pair sum needs no [B, S, S] Gram matrix (tiny batched matMuls are slow on WASM).
    const u = tf.transpose(dense(seedQ1, tf.transpose(w.pool_k))); // [d, 1] = pool_k q^T
    const flat = tf.reshape(h, [b * s, d]);
    const logits = tf.add(tf.reshape(dense(flat, u), [b, s]), tf.mul(tf.sub(1, mask), OUTFIT.maskBias));
    const att = tf.reshape(tf.softmax(tf.div(logits, Math.sqrt(d))), [b, s, 1]);
    pooled = tf.sum(tf.mul(att, h), 1) as tf.Tensor2D;
    const count = tf.maximum(tf.sum(mask, 1, true), 1); // [B, 1]
    const total = tf.sum(h, 1) as tf.Tensor2D; // [B, d]
    const mean = tf.div(total, count) as tf.Tensor2D;
    // Mean over ordered pairs i != j of h_i^T P h_j: how well the garments agree with each other.
    // sum_{i != j} h_i^T P h_j = (sum_i h_i)^T P (sum_j h_j) - sum_i h_i^T P h_i.
    const all = tf.sum(tf.mul(dense(total, w.pair_w), total), 1); // [B]
    const self = tf.sum(tf.reshape(tf.mul(dense(flat, w.pair_w), flat), [b, s * d]), 1); // [B]
    const pairSum = tf.sub(all, self);
    const pairs = tf.maximum(tf.mul(count, tf.sub(count, 1)), 1);
    const pair = tf.div(tf.reshape(pairSum, [b, 1]), pairs);
    features = tf.concat([pooled, mean, tf.sub(pooled, mean), pair], 1) as tf.Tensor2D;
  }
  const hidden = tf.relu(tf.add(dense(features, w.head_w1), w.head_b1));
  const scores = tf.reshape(tf.add(dense(hidden, w.head_w2), w.head_b2), [b]) as tf.Tensor1D;
  const embedding = dense(pooled, w.proj_w);
  return { scores, embedding };
}

/** Training / evaluation forward: slot-major batch -> logits and embeddings. */
export function forward(c: ScorerConfig, w: Weights, batch: OutfitBatch): ForwardOut {
  const [b, s] = batch.mask.shape;
  const enc = encodeItems(w, batch.items, batch.cats);
  return scoreSlots(c, w, tf.reshape(enc, [b, s, c.dim]) as tf.Tensor3D, batch.mask);
}

/** All members' parameters together. */
export function parameterCount(c: ScorerConfig): number {
  return memberCount(c) * Object.values(weightShapes(c)).reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
}

export const memberCount = (c: ScorerConfig): number => c.members ?? 1;

function checkMembers(c: ScorerConfig, members: readonly unknown[]): void {
  if (members.length !== memberCount(c)) throw new Error(`outfit scorer: ${members.length} weight sets for ${memberCount(c)} members`);
}

/** The members' logits averaged (one member's as they are): how a model of several members scores. */
export function meanLogits(each: tf.Tensor1D[]): tf.Tensor1D {
  return each.length === 1 ? each[0] : (tf.div(tf.addN(each), each.length) as tf.Tensor1D);
}

/** The outfits' logits [N]: the mean of the members' (each member's garments encoded once). */
export function scoreMembers(c: ScorerConfig, members: readonly Weights[], items: tf.Tensor2D, cats: tf.Tensor2D, outfits: number[][]): tf.Tensor1D {
  return tf.tidy(() => meanLogits(members.map((w) => scoreIndexed(c, w, encodeItems(w, items, cats), outfits))));
}

/**
 * A garment's mean colour (sRGB 0..255) from its named dominant colours (dominantColours: cluster centres
 * and shares), weighted by their shares; undefined if it has none.
 */
export function meanRgb(colours: readonly { rgb: readonly [number, number, number]; fraction: number }[]): [number, number, number] | undefined {
  const total = colours.reduce((s, c) => s + c.fraction, 0);
  if (!(total > 0)) return undefined;
  const m = [0, 1, 2].map((k) => colours.reduce((s, c) => s + c.rgb[k] * c.fraction, 0) / total);
  return [m[0], m[1], m[2]];
}

/**
 * The colour part of a garment input, from the garment's named dominant colours (workers/pipeline/colours.ts
 * dominantColours, what the app stores for every garment):
 *  - CIE Lab of their mean colour (meanRgb), scaled to about -1..1: [L / 100, a / 64, b / 64, chroma / 64];
 *  - the share of each PALETTE name (16 numbers, summing to 1): which colours the garment is made of, so
 *    that "navy + white" and "grey" are told apart although their means are close;
 *  - the square root of each share of its colour histogram (colourHistogram, 64 numbers: the Hellinger
 *    embedding, where a dot product compares two distributions). Outfit compatibility is largely colour:
 *    docs/outfits.md measures the histogram well ahead of the named colours.
 * garment-net was trained with colour jitter, so its embedding says little about colour.
 * No colour known: neutral grey (CROP.grey), no palette share, a histogram of zeros.
 */
export function colourFeatures(colours: readonly GarmentColour[], histogram: ArrayLike<number>): number[] {
  if (histogram.length !== HISTOGRAM_SIZE) throw new Error(`colour histogram has ${histogram.length} values, expected ${HISTOGRAM_SIZE}`);
  const [l, a, b] = toLab(meanRgb(colours) ?? [128, 128, 128]);
  const shares = new Array<number>(PALETTE.length).fill(0);
  const total = colours.reduce((s, c) => s + c.fraction, 0);
  for (const c of colours) {
    const k = PALETTE.findIndex((p) => p.name === c.name);
    if (k >= 0 && total > 0) shares[k] += c.fraction / total;
  }
  return [l / 100, a / 64, b / 64, Math.hypot(a, b) / 64, ...shares, ...Array.from(histogram, (v) => Math.sqrt(Math.max(0, v)))];
}

/**
 * A stored garment's model input [OUTFIT.inputDim]: its garment-net embedding (128-d, L2-normalised, of
 * crop.ts' crop) followed by colourFeatures of its named colours and colour histogram. The one place that
 * defines it, in training and at inference (the app's scorer worker, score-outfits).
 */
export function garmentInput(embedding: ArrayLike<number>, colours: readonly GarmentColour[], histogram: ArrayLike<number>): Float32Array {
  if (embedding.length !== OUTFIT.embeddingDim) throw new Error(`garment embedding has ${embedding.length} values, expected ${OUTFIT.embeddingDim} (garment-net)`);
  const out = new Float32Array(OUTFIT.inputDim);
  out.set(Array.from(embedding));
  out.set(colourFeatures(colours, histogram), OUTFIT.embeddingDim);
  return out;
}

/** A garment to score: its model input (garmentInput) and category. */
export interface Garment {
  vector: Float32Array;
  category: Category;
}

export interface OutfitScorer {
  readonly config: ScorerConfig;
  /**
   * Compatibility 0..1 (sigmoid of the logit) of each outfit, given as indices into `garments`
   * (2..S garments each; more than S are cut to the first S). Every garment is encoded once.
   */
  score(garments: Garment[], outfits: number[][]): Promise<Float32Array>;
  dispose(): void;
}

/** Builds the [N, I] and [N, 8] inputs of `garments` (the caller disposes them); I = the model's inputDim. */
export function garmentTensors(garments: { vector: Float32Array; category: Category }[], inputDim: number = OUTFIT.inputDim): { items: tf.Tensor2D; cats: tf.Tensor2D } {
  const n = garments.length;
  const items = new Float32Array(n * inputDim);
  const cats = new Float32Array(n * OUTFIT.categories);
  garments.forEach((g, i) => {
    if (g.vector.length !== inputDim) throw new Error(`garment ${i}: vector has ${g.vector.length} values, expected ${inputDim} (garmentInput)`);
    items.set(g.vector, i * inputDim);
    cats[i * OUTFIT.categories + CATEGORIES.indexOf(g.category)] = 1;
  });
  return { items: tf.tensor2d(items, [n, inputDim]), cats: tf.tensor2d(cats, [n, OUTFIT.categories]) };
}

/**
 * Outfits as index lists into encoded garments -> their slots: each garment's row of `table` ([N, width],
 * row-major) copied into [B, S, width] (empty slots zero) and the slot mask [B, S]; S is the longest outfit's
 * length (at most OUTFIT.slots; longer outfits keep their first S garments). Copied in JavaScript: tf.gather
 * of the same rows takes about half of the whole scoring on the WASM backend (docs/outfits.md). `first`: the
 * number of the first outfit in error messages.
 */
export function slotsOf(table: Float32Array, width: number, outfits: readonly number[][], first = 0): { slots: tf.Tensor3D; mask: tf.Tensor2D } {
  const n = table.length / width;
  // As many slots as the longest outfit (empty slots still cost attention and pooling work).
  const s = Math.min(OUTFIT.slots, Math.max(1, ...outfits.map((o) => o.length)));
  const rows = new Float32Array(outfits.length * s * width);
  const mask = new Float32Array(outfits.length * s);
  outfits.forEach((o, i) => {
    o.slice(0, s).forEach((g, j) => {
      if (!Number.isInteger(g) || g < 0 || g >= n) throw new Error(`outfit ${first + i}: garment index ${g} is not in 0..${n - 1}`);
      rows.set(table.subarray(g * width, (g + 1) * width), (i * s + j) * width);
      mask[i * s + j] = 1;
    });
  });
  return { slots: tf.tensor3d(rows, [outfits.length, s, width]), mask: tf.tensor2d(mask, [outfits.length, s]) };
}

/** Scores outfits of indices into encoded garments `enc` [N, d] (read back with dataSync: cheap on the WASM and CPU backends). */
export function scoreIndexed(c: ScorerConfig, w: Weights, enc: tf.Tensor2D, outfits: number[][]): tf.Tensor1D {
  return tf.tidy(() => {
    const { slots, mask } = slotsOf(enc.dataSync() as Float32Array, c.dim, outfits);
    return scoreSlots(c, w, slots, mask).scores;
  });
}

/** A scorer over given weights, one set per member (it takes ownership of them). */
export function fromWeights(config: ScorerConfig, members: Record<string, tf.Tensor>[]): OutfitScorer {
  checkMembers(config, members);
  return {
    config,
    async score(garments, outfits) {
      if (outfits.length === 0) return new Float32Array(0);
      const logits = tf.tidy(() => {
        const { items, cats } = garmentTensors(garments, config.inputDim);
        return tf.sigmoid(scoreMembers(config, members, items, cats, outfits));
      });
      const out = (await logits.data()) as Float32Array;
      logits.dispose();
      return out;
    },
    dispose: () => members.forEach((w) => Object.values(w).forEach((t) => t.dispose())),
  };
}

/** A member's weight name as stored: the first member's plain (a file of one model reads as before), `member<k>/<name>` after. */
const storedName = (member: number, name: string) => (member === 0 ? name : `member${member}/${name}`);

/** model.json's topology: which scorer this is. */
export interface ScorerTopology {
  format: 'mirror-outfit-scorer';
  config: ScorerConfig;
}

/** Saves weights (one set per member) as tfjs artifacts through `handler` (model.json + one weights file). */
export async function save(config: ScorerConfig, members: Record<string, tf.Tensor>[], handler: tf.io.IOHandler): Promise<void> {
  checkMembers(config, members);
  const names = Object.keys(weightShapes(config));
  const { data, specs } = await tf.io.encodeWeights(members.flatMap((w, k) => names.map((name) => ({ name: storedName(k, name), tensor: w[name] }))));
  const topology: ScorerTopology = { format: 'mirror-outfit-scorer', config };
  await handler.save!({ modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'], weightSpecs: specs, weightData: data, format: 'mirror-outfit-scorer', generatedBy: `tfjs ${tf.version_core}` });
}

/** Loads a scorer's configuration and weights, one set per member (the caller disposes them), from a model.json URL or an IOHandler. */
export async function loadWeights(source: ModelSource): Promise<{ config: ScorerConfig; members: Record<string, tf.Tensor>[] }> {
  const handler = typeof source === 'string' ? tf.io.http(source) : source;
  const artifacts = await handler.load!();
  const topology = artifacts.modelTopology as unknown as ScorerTopology;
  if (topology?.format !== 'mirror-outfit-scorer' || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('not an outfit scorer (model.json needs format "mirror-outfit-scorer" and weights)');
  }
  const stored = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  // A model.json without inputDim (written before it was in the config) has it in in_mean's shape.
  const config: ScorerConfig = { ...topology.config, inputDim: topology.config.inputDim ?? stored.in_mean?.shape[0] };
  const shapes = Object.entries(weightShapes(config));
  const members = Array.from({ length: memberCount(config) }, (_, k) => Object.fromEntries(shapes.map(([name, shape]) => {
    const t = stored[storedName(k, name)];
    if (!t || t.shape.join() !== shape.join()) {
      tf.dispose(Object.values(stored));
      throw new Error(`outfit scorer weight ${storedName(k, name)}: expected [${shape}], got ${t ? `[${t.shape}]` : 'none'}`);
    }
    return [name, t];
  })));
  return { config, members };
}

/** Loads a scorer from a model.json URL or an IOHandler. */
export async function load(source: ModelSource): Promise<OutfitScorer> {
  const { config, members } = await loadWeights(source);
  return fromWeights(config, members);
}
