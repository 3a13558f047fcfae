/**
 * Training and evaluation of the outfit scorers (realm-neutral: plain tfjs, no DOM, no node:fs; the CLI
 * feeds it the feature cache). Everything random goes through one seeded PRNG, so runs repeat.
 *
 * Task: rank a real outfit above K type-matched random outfits (softmax over 1 positive + K negatives).
 * Against "same photo" shortcuts, every training positive is rebuilt across photos: each garment is, with
 * probability `substitute`, replaced by one of its nearest same-category look-alikes from another photo,
 * and each garment's vector is its "mask" crop or its "box" crop at random.
 *
 * FND (False Negative Distillation, Kim et al. 2021, arXiv 2110.06483): the trained teacher scores the
 * student's sampled negatives; those it scores above the positive's score minus `fndMargin` (with the
 * default 0: above the positive) are false negatives, whose term in the softmax denominator is weighted by `alpha` instead of 1.
 * CL: two views of each positive, "erase" (one garment dropped) and "replace" (one garment swapped for a
 * same-category look-alike from another photo), pulled together by InfoNCE against the other outfits of
 * the batch (temperature `tau`), added to the ranking loss with weight `clWeight`.
 */
import * as tf from '@tensorflow/tfjs';
import { CATEGORIES, type Category } from '../../../common/categories';
import { FIXED_WEIGHTS, forward, initWeights, type InputStats, meanLogits, OUTFIT, rng, scoreMembers, garmentTensors, type ForwardOut, type OutfitBatch, type ScorerConfig } from './index';
import { bootstrap } from '../../../common/random';

/** A garment of the training pool. `rows` are its vectors' rows in `vectors` (one per crop kind). */
export interface PoolGarment {
  photo: string;
  category: Category;
  rows: number[];
}

export interface Pool {
  dim: number;
  /** rows x dim. */
  vectors: Float32Array;
  garments: PoolGarment[];
  /** Real outfits: indices into `garments` (all of one photo). */
  outfits: number[][];
  /**
   * Optional look-alike yardstick: one vector per garment (garments x dim, L2-normalised) from another
   * model than the scorers' inputs, to find look-alikes independently of the features being scored.
   */
  yardstick?: Measure;
  /** Optional: each garment's colour histogram as a unit vector (square roots of its shares), a second measure. */
  colour?: Measure;
}

/** Vectors (garments x dim, L2-normalised) whose cosine says which garments look alike. */
export interface Measure {
  dim: number;
  vectors: Float32Array;
}

/** An outfit as it is fed to the model: one vector row and category per garment. */
export interface Sample {
  rows: number[];
  cats: Category[];
}

export interface TrainOptions {
  seed: number;
  steps: number;
  /** Positives per step. */
  batch: number;
  /** Negatives per positive. */
  negatives: number;
  lr: number;
  /** Probability that a garment of a positive is replaced by a look-alike from another photo. */
  substitute: number;
  /** Look-alikes per garment to draw substitutes from. */
  lookalikes: number;
  /** Garments of a training positive at most (the largest; attention and pooling take any count). */
  maxGarments: number;
  /** FND: on with a teacher. Negatives the teacher scores > positive - fndMargin get weight alpha. */
  alpha: number;
  fndMargin: number;
  /** CL weight (0 = off) and InfoNCE temperature. */
  clWeight: number;
  tau: number;
  /** Crop kinds (rows of a pool garment) training draws from, at random per garment. */
  crops: number[];
  /**
   * Share of the negatives that are the positive with one garment swapped for a random garment of its
   * category from another photo (the question fill-in-the-blank asks); the others are type-matched
   * random outfits.
   */
  swapNegatives: number;
  /**
   * Factor on the standardised garment-net embedding part of the input (the first OUTFIT.embeddingDim values; 1 = as
   * standardised, 0 = left out). Stored in the model's fixed `in_scale`, so a model trained with it scores as any other.
   */
  embeddingScale?: number;
  log?: (s: string) => void;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  seed: 7, steps: 300, batch: 24, negatives: 7, lr: 1e-3, substitute: 0.8, lookalikes: 5, maxGarments: 6,
  alpha: 0.2, fndMargin: 0, clWeight: 0, tau: 0.2, crops: [0, 1], swapNegatives: 0.5,
};

/** Mean and 1 / standard deviation of every input dimension over all of the pool's garment vectors. */
export function inputStats(pool: Pool): InputStats {
  const d = pool.dim;
  const rows = pool.garments.flatMap((g) => g.rows);
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of rows) {
    for (let i = 0; i < d; i++) {
      const v = pool.vectors[r * d + i];
      mean[i] += v;
      sq[i] += v * v;
    }
  }
  const n = Math.max(rows.length, 1);
  const m = new Float32Array(d);
  const scale = new Float32Array(d);
  for (let i = 0; i < d; i++) {
    m[i] = mean[i] / n;
    // A floor on the deviation keeps dead (always 0) dimensions from blowing up.
    scale[i] = 1 / Math.sqrt(Math.max(sq[i] / n - m[i] * m[i], 1e-6));
  }
  return { mean: m, scale };
}

/**
 * For every garment, its `k` nearest same-category garments of other photos: cosine of crop kind `row`'s
 * garment-net embedding (the first OUTFIT.embeddingDim values of the input: look-alike means looks alike
 * to garment-net), minus `colourWeight` x the squared distance of the colour values after it (0 =
 * embedding only). With `measure` (the pool's yardstick or colour vectors), the cosine of its vectors
 * instead (colour weight unused).
 */
export function nearestLookalikes(pool: Pool, k: number, row = 0, colourWeight = 0, measure?: Measure): number[][] {
  const out: number[][] = pool.garments.map(() => []);
  const yardstick = measure !== undefined;
  const e = yardstick ? measure.dim : OUTFIT.embeddingDim;
  const c = yardstick ? 0 : pool.dim - e;
  for (const cat of CATEGORIES) {
    const ids = pool.garments.map((g, i) => (g.category === cat ? i : -1)).filter((i) => i >= 0);
    if (ids.length < 2) continue;
    const sims = tf.tidy(() => {
      const emb = new Float32Array(ids.length * e);
      const col = new Float32Array(ids.length * Math.max(c, 1));
      ids.forEach((id, j) => {
        if (yardstick) {
          emb.set(measure.vectors.subarray(id * e, (id + 1) * e), j * e);
          return;
        }
        const at = pool.garments[id].rows[row] * pool.dim;
        emb.set(pool.vectors.subarray(at, at + e), j * e);
        if (c > 0) col.set(pool.vectors.subarray(at + e, at + pool.dim), j * c);
      });
      const t = tf.tensor2d(emb, [ids.length, e]);
      const n = tf.div(t, tf.add(tf.norm(t, 'euclidean', 1, true), 1e-12));
      const cos = tf.matMul(n, n, false, true);
      if (colourWeight === 0 || c === 0) return cos;
      // |x - y|^2 = |x|^2 + |y|^2 - 2 x.y
      const x = tf.tensor2d(col, [ids.length, c]);
      const sq = tf.sum(tf.square(x), 1, true);
      const dist = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(x, x, false, true)));
      return tf.sub(cos, tf.mul(colourWeight, dist));
    });
    const s = sims.dataSync() as Float32Array;
    sims.dispose();
    ids.forEach((id, a) => {
      const photo = pool.garments[id].photo;
      const order = ids.map((other, b) => ({ other, sim: s[a * ids.length + b] })).filter((x) => pool.garments[x.other].photo !== photo);
      order.sort((x, y) => y.sim - x.sim);
      out[id] = order.slice(0, k).map((x) => x.other);
    });
  }
  return out;
}

/** Garment indices by category. */
export function byCategory(garments: PoolGarment[]): Map<Category, number[]> {
  const m = new Map<Category, number[]>();
  garments.forEach((g, i) => m.set(g.category, [...(m.get(g.category) ?? []), i]));
  return m;
}

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];

/**
 * A type-matched random outfit: for each category of `cats`, a random garment of that category, all from
 * different photos and none from `avoid`. Returns garment indices.
 */
export function randomOutfit(r: () => number, pool: Pool, cats: Category[], index: Map<Category, number[]>, avoid: Set<string> = new Set()): number[] {
  const used = new Set(avoid);
  return cats.map((c) => {
    const options = index.get(c) ?? [];
    for (let tries = 0; tries < 20; tries++) {
      const g = pick(r, options);
      if (!used.has(pool.garments[g].photo)) {
        used.add(pool.garments[g].photo);
        return g;
      }
    }
    return pick(r, options);
  });
}

/** The outfit with one garment swapped for a random garment of its category from a photo not in the outfit. */
export function swapOne(r: () => number, pool: Pool, outfit: number[], index: Map<Category, number[]>): number[] {
  const at = Math.floor(r() * outfit.length);
  const [other] = randomOutfit(r, pool, [pool.garments[outfit[at]].category], index, new Set(outfit.map((g) => pool.garments[g].photo)));
  return outfit.map((g, i) => (i === at ? other : g));
}

/** Replaces each garment with probability p by one of its look-alikes (a photo not used yet). */
export function substitute(r: () => number, pool: Pool, outfit: number[], lookalikes: number[][], p: number): number[] {
  const used = new Set<string>();
  return outfit.map((g) => {
    if (r() < p) {
      const options = lookalikes[g].filter((o) => !used.has(pool.garments[o].photo));
      if (options.length > 0) {
        const o = pick(r, options);
        used.add(pool.garments[o].photo);
        return o;
      }
    }
    return g;
  });
}

/** CL view "erase": one garment dropped (outfits of 2 stay as they are). */
export function erase(r: () => number, outfit: number[]): number[] {
  if (outfit.length <= 2) return [...outfit];
  const drop = Math.floor(r() * outfit.length);
  return outfit.filter((_, i) => i !== drop);
}

/** CL view "replace": one garment swapped for one of its same-category look-alikes from another photo. */
export function replace(r: () => number, outfit: number[], lookalikes: number[][]): number[] {
  const at = Math.floor(r() * outfit.length);
  const options = lookalikes[outfit[at]];
  if (!options || options.length === 0) return [...outfit];
  return outfit.map((g, i) => (i === at ? pick(r, options) : g));
}

/** Garment indices -> sample, each garment's crop kind drawn from `crops` (all kinds by default). */
export function toSample(r: () => number, pool: Pool, outfit: number[], crops?: number[]): Sample {
  return {
    rows: outfit.map((g) => {
      const rows = pool.garments[g].rows;
      return crops ? rows[crops[Math.floor(r() * crops.length)]] : rows[Math.floor(r() * rows.length)];
    }),
    cats: outfit.map((g) => pool.garments[g].category),
  };
}

/** Samples -> slot tensors (see index.ts), as many slots as the longest sample. The caller disposes them. */
export function makeBatch(pool: Pool, samples: Sample[]): OutfitBatch {
  const s = Math.min(OUTFIT.slots, Math.max(1, ...samples.map((x) => x.rows.length)));
  const d = pool.dim;
  const items = new Float32Array(samples.length * s * d);
  const cats = new Float32Array(samples.length * s * OUTFIT.categories);
  const mask = new Float32Array(samples.length * s);
  samples.forEach((smp, i) => {
    smp.rows.slice(0, s).forEach((row, j) => {
      items.set(pool.vectors.subarray(row * d, (row + 1) * d), (i * s + j) * d);
      cats[(i * s + j) * OUTFIT.categories + CATEGORIES.indexOf(smp.cats[j])] = 1;
      mask[i * s + j] = 1;
    });
  });
  return {
    items: tf.tensor2d(items, [samples.length * s, d]),
    cats: tf.tensor2d(cats, [samples.length * s, OUTFIT.categories]),
    mask: tf.tensor2d(mask, [samples.length, s]),
  };
}

/**
 * FND weights [B, K] (plain numbers): `alpha` where the teacher scores the negative above
 * `positive - margin` (a false negative), 1 elsewhere.
 */
export function fndWeights(teacherPos: ArrayLike<number>, teacherNeg: ArrayLike<number>, k: number, alpha: number, margin: number): Float32Array {
  const w = new Float32Array(teacherNeg.length);
  for (let i = 0; i < teacherNeg.length; i++) w[i] = teacherNeg[i] > teacherPos[Math.floor(i / k)] - margin ? alpha : 1;
  return w;
}

/**
 * Softmax ranking loss: mean over B of -log(e^pos / (e^pos + sum_k w_k e^neg_k)).
 * pos [B], neg [B, K], weights [B, K] (all 1 = plain sampled softmax; alpha in (0, 1] for FND).
 */
export function rankLoss(pos: tf.Tensor1D, neg: tf.Tensor2D, weights?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const b = pos.shape[0];
    const negW = weights ? tf.add(neg, tf.log(tf.maximum(weights, 1e-6))) : neg;
    const all = tf.concat([tf.reshape(pos, [b, 1]), negW], 1);
    return tf.mean(tf.sub(tf.logSumExp(all, 1), pos)) as tf.Scalar;
  });
}

/** Symmetric InfoNCE between two views [B, d]: view i of one side must find view i of the other. */
export function infoNce(a: tf.Tensor2D, b: tf.Tensor2D, tau: number): tf.Scalar {
  return tf.tidy(() => {
    const n = a.shape[0];
    const na = tf.div(a, tf.add(tf.norm(a, 'euclidean', 1, true), 1e-8));
    const nb = tf.div(b, tf.add(tf.norm(b, 'euclidean', 1, true), 1e-8));
    const logits = tf.div(tf.matMul(na, nb, false, true), tau); // [B, B]
    const eye = tf.eye(n);
    const diag = tf.sum(tf.mul(logits, eye), 1);
    const ab = tf.mean(tf.sub(tf.logSumExp(logits, 1), diag));
    const ba = tf.mean(tf.sub(tf.logSumExp(logits, 0), diag));
    return tf.div(tf.add(ab, ba), 2) as tf.Scalar;
  });
}

/** The trained teacher: its members' weights, whose logits are averaged. */
export interface Teacher {
  config: ScorerConfig;
  members: Record<string, tf.Tensor>[];
}

export interface TrainResult {
  weights: Record<string, tf.Tensor>;
  /** Mean loss per tenth of the run. */
  curve: number[];
  /** Fraction of sampled negatives the teacher flagged (FND runs). */
  flagged: number;
}

/** Trains a scorer from scratch; with `teacher`, FND weights come from its scores. */
export async function trainScorer(config: ScorerConfig, pool: Pool, lookalikes: number[][], opts: TrainOptions, teacher?: Teacher): Promise<TrainResult> {
  const r = rng(opts.seed);
  const stats = inputStats(pool);
  const g = opts.embeddingScale ?? 1;
  if (g !== 1) for (let i = 0; i < Math.min(OUTFIT.embeddingDim, stats.scale.length); i++) stats.scale[i] *= g;
  const vars = initWeights(config, opts.seed, stats);
  const trainable = Object.entries(vars).filter(([n]) => !FIXED_WEIGHTS.includes(n)).map(([, v]) => v);
  const optimizer = tf.train.adam(opts.lr);
  const index = byCategory(pool.garments);
  // Pool outfits list garments largest first (the feature cache's order): the cut keeps the big ones.
  const usable = pool.outfits.filter((o) => o.length >= 2).map((o) => o.slice(0, opts.maxGarments));
  const losses: number[] = [];
  let flaggedCount = 0;
  let negCount = 0;
  const start = performance.now();
  for (let step = 0; step < opts.steps; step++) {
    const positives: number[][] = [];
    for (let i = 0; i < opts.batch; i++) positives.push(substitute(r, pool, pick(r, usable), lookalikes, opts.substitute));
    const negatives: number[][] = [];
    for (const p of positives) {
      const avoid = new Set(p.map((g) => pool.garments[g].photo));
      for (let k = 0; k < opts.negatives; k++) {
        negatives.push(r() < opts.swapNegatives ? swapOne(r, pool, p, index) : randomOutfit(r, pool, p.map((g) => pool.garments[g].category), index, avoid));
      }
    }
    const posS = positives.map((p) => toSample(r, pool, p, opts.crops));
    const negS = negatives.map((n) => toSample(r, pool, n, opts.crops));
    const views = opts.clWeight > 0 ? [positives.map((p) => toSample(r, pool, erase(r, p), opts.crops)), positives.map((p) => toSample(r, pool, replace(r, p, lookalikes), opts.crops))] : [];
    const batch = makeBatch(pool, [...posS, ...negS, ...views.flat()]);
    let weights: tf.Tensor2D | undefined;
    if (teacher) {
      const t = tf.tidy(() => meanLogits(teacher.members.map((w) => forward(teacher.config, w, batch).scores)));
      const ts = (await t.data()) as Float32Array;
      t.dispose();
      const w = fndWeights(ts.subarray(0, opts.batch), ts.subarray(opts.batch, opts.batch * (1 + opts.negatives)), opts.negatives, opts.alpha, opts.fndMargin);
      flaggedCount += w.filter((x) => x < 1).length;
      negCount += w.length;
      weights = tf.tensor2d(w, [opts.batch, opts.negatives]);
    }
    const b = opts.batch;
    const loss = optimizer.minimize(() => {
      const out: ForwardOut = forward(config, vars, batch);
      const pos = tf.slice(out.scores, [0], [b]) as tf.Tensor1D;
      const neg = tf.reshape(tf.slice(out.scores, [b], [b * opts.negatives]), [b, opts.negatives]) as tf.Tensor2D;
      let l = rankLoss(pos, neg, weights);
      if (views.length > 0) {
        const start = b * (1 + opts.negatives);
        const e1 = tf.slice(out.embedding, [start, 0], [b, -1]) as tf.Tensor2D;
        const e2 = tf.slice(out.embedding, [start + b, 0], [b, -1]) as tf.Tensor2D;
        l = tf.add(l, tf.mul(infoNce(e1, e2, opts.tau), opts.clWeight));
      }
      return l as tf.Scalar;
    }, true, trainable) as tf.Scalar;
    losses.push((await loss.data())[0]);
    loss.dispose();
    weights?.dispose();
    Object.values(batch).forEach((t) => t.dispose());
    if (opts.log && (step + 1) % 25 === 0) opts.log(`  step ${step + 1}/${opts.steps} loss ${(losses.slice(-25).reduce((a, x) => a + x, 0) / 25).toFixed(4)}, ${((performance.now() - start) / (step + 1)).toFixed(0)} ms/step`);
  }
  optimizer.dispose();
  const tenth = Math.max(1, Math.floor(losses.length / 10));
  const curve = Array.from({ length: Math.ceil(losses.length / tenth) }, (_, i) => {
    const part = losses.slice(i * tenth, (i + 1) * tenth);
    return part.reduce((a, x) => a + x, 0) / part.length;
  });
  return { weights: vars, curve, flagged: negCount ? flaggedCount / negCount : 0 };
}

/** Held-out evaluation outfits, all built across photos (see buildEval). Indices into the pool. */
export interface EvalSet {
  positives: number[][];
  negatives: number[][];
  /** Fill in the blank: an outfit with one slot left out and 4 candidates of that slot's category; `positive`: whose. */
  fitb: { context: number[]; candidates: number[]; answer: number; positive: number }[];
}

/**
 * Positives: each real outfit with every garment replaced by its nearest same-category look-alike from
 * another photo (each from a different photo). Negatives: `negPerPos` type-matched random outfits per
 * positive. FITB: for every garment of every positive, the positive without it plus 4 candidates: that
 * garment and 3 random garments of its category from photos not in the outfit.
 */
export function buildEval(pool: Pool, lookalikes: number[][], seed: number, negPerPos = 5): EvalSet {
  const r = rng(seed);
  const index = byCategory(pool.garments);
  const positives: number[][] = [];
  for (const o of pool.outfits) {
    if (o.length < 2) continue;
    const used = new Set<string>();
    const p: number[] = [];
    for (const g of o) {
      const best = lookalikes[g].find((x) => !used.has(pool.garments[x].photo));
      if (best === undefined) break;
      used.add(pool.garments[best].photo);
      p.push(best);
    }
    if (p.length === o.length) positives.push(p);
  }
  const negatives: number[][] = [];
  const fitb: EvalSet['fitb'] = [];
  for (const [positive, p] of positives.entries()) {
    const cats = p.map((g) => pool.garments[g].category);
    for (let k = 0; k < negPerPos; k++) negatives.push(randomOutfit(r, pool, cats, index));
    for (let at = 0; at < p.length; at++) {
      const context = p.filter((_, i) => i !== at);
      const avoid = new Set(p.map((g) => pool.garments[g].photo));
      const others = (index.get(cats[at]) ?? []).filter((g) => !avoid.has(pool.garments[g].photo));
      if (others.length < 3) continue;
      const wrong = new Set<number>();
      while (wrong.size < 3) wrong.add(pick(r, others));
      const candidates = [p[at], ...wrong];
      // Shuffle so that the answer's position carries nothing.
      for (let i = candidates.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
      }
      fitb.push({ context, candidates, answer: candidates.indexOf(p[at]), positive });
    }
  }
  return { positives, negatives, fitb };
}

/** Area under the ROC curve of positive vs negative scores (ties count half). */
export function auc(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  let wins = 0;
  for (let i = 0; i < pos.length; i++) for (let j = 0; j < neg.length; j++) wins += pos[i] > neg[j] ? 1 : pos[i] === neg[j] ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

export interface EvalInterval {
  auc: [number, number];
  fitb: [number, number];
  /** Share of the draws with AUC >= targets.auc and FITB >= targets.fitb. */
  bothAtTarget: number;
  draws: number;
}

/**
 * How much AUC and FITB rest on which outfits were drawn: `draws` sets of as many positives drawn with replacement
 * (seeded), each with its own negatives (`negPerPos` each, in buildEval's order) and FITB questions; the middle 95 % of
 * the draws' AUC and FITB, and the share of draws that reach both targets.
 */
export function bootstrapEval(
  set: EvalSet,
  pos: ArrayLike<number>,
  neg: ArrayLike<number>,
  fitbRight: readonly boolean[],
  { draws = 1000, seed = 1, negPerPos = 5, targets = { auc: 0.7, fitb: 0.4 } } = {},
): EvalInterval {
  const questions: number[][] = set.positives.map(() => []);
  set.fitb.forEach((q, i) => questions[q.positive].push(i));
  const b = bootstrap(
    set.positives.length,
    (drawn) => {
      const p = drawn.map((i) => pos[i]);
      const n = drawn.flatMap((i) => Array.from({ length: negPerPos }, (_, k) => neg[i * negPerPos + k]));
      const qs = drawn.flatMap((i) => questions[i]);
      return [auc(p, n), qs.length ? qs.filter((q) => fitbRight[q]).length / qs.length : 0];
    },
    ([a, f]) => a >= targets.auc && f >= targets.fitb,
    { draws, seed },
  );
  return { auc: b.intervals[0] ?? [0, 0], fitb: b.intervals[1] ?? [0, 0], bothAtTarget: b.met, draws: b.draws };
}

/** Scores outfits of pool garments with crop kind `variant` (1 = "box", the inference crop). */
export type OutfitScoreFn = (outfits: number[][]) => Promise<Float32Array>;

/** Logits of outfits of the pool's garments (crop kind `variant`), by one model or the mean of a teacher's members. */
export function poolScorer(config: ScorerConfig, weights: Record<string, tf.Tensor> | Record<string, tf.Tensor>[], pool: Pool, variant: number): OutfitScoreFn {
  const members = Array.isArray(weights) ? weights : [weights];
  return async (outfits) => {
    const garments = pool.garments.map((g) => ({ vector: pool.vectors.subarray(g.rows[variant] * pool.dim, (g.rows[variant] + 1) * pool.dim), category: g.category }));
    const t = tf.tidy(() => {
      const { items, cats } = garmentTensors(garments, config.inputDim);
      return scoreMembers(config, members, items, cats, outfits);
    });
    const out = (await t.data()) as Float32Array;
    t.dispose();
    return out;
  };
}

export async function evaluate(score: OutfitScoreFn, set: EvalSet): Promise<{ auc: number; fitb: number }> {
  const pos = await score(set.positives);
  const neg = await score(set.negatives);
  const flat = set.fitb.flatMap((q) => q.candidates.map((c) => [...q.context, c]));
  const s = await score(flat);
  let right = 0;
  set.fitb.forEach((q, i) => {
    const scores = Array.from(s.subarray(i * 4, i * 4 + 4));
    if (scores.indexOf(Math.max(...scores)) === q.answer) right++;
  });
  return { auc: auc(pos, neg), fitb: set.fitb.length ? right / set.fitb.length : 0 };
}
