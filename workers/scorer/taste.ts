/**
 * Personalisation: the person's taste as a small vector over the student's outfit embedding (d = 24 for
 * the shipped student), fitted on the device. One person per device, so this is the paper's user vector
 * without the other users.
 *
 *   personal logit = student logit + w · z,   z = (e - mean) * scale
 *
 * e is the student's outfit embedding [d]; mean and scale (1 / standard deviation, per dimension) are taken
 * over outfits of the person's own garments, so that z says how an outfit differs from their usual ones
 * (raw embeddings of outfits that share garments are nearly parallel, and a like would lift them all alike)
 * and the L2 weight means the same whatever the student's embedding scale.
 *
 * w (and a bias b, which only calibrates and does not change the ranking) is the L2-regularised logistic
 * regression of "the person likes this outfit", with an optional fixed offset s_i per example:
 *   minimise  sum_i c_i · BCE(sigmoid(s_i + w · e_i + b), y_i)  +  (l2 / 2) · |w|^2
 * fitted by Newton's method (d + 1 unknowns, a handful of steps). Without examples w = 0 and the ranking is
 * the student's. Positives: the person's own looks (what they chose to wear) and their likes; negatives:
 * their dislikes, and type-matched random outfits from their garments as the looks' contrast.
 * Pure (no tfjs), unit-tested in Node.
 */

export interface TasteExample {
  /** The student's outfit embedding [d]. */
  embedding: ArrayLike<number>;
  /**
   * A fixed offset added to the example's logit: the student's logit, to fit only what the student misses,
   * or 0 (what the scorer worker uses) to fit the person's taste on its own, added to the student's
   * logit when ranking.
   */
  logit: number;
  label: 0 | 1;
  /** Weight of this example in the loss (> 0). */
  weight: number;
}

export interface Taste {
  w: Float32Array;
  /** Standardisation of the embedding: z = (e - mean) * scale, per dimension. */
  mean: Float32Array;
  scale: Float32Array;
  b: number;
  /** Examples it was fitted on (0 = no personalisation). */
  examples: number;
}

export const TASTE = {
  /**
   * L2 weight on w: with few examples the ranking stays close to the student's. A handful of looks against
   * random outfits is separable in d = 24 dimensions, so without it w grows without bound; at 4, six real
   * CCP looks move scores by up to ~1-2 logits, and one like still lifts its outfit by about 1.5.
   */
  l2: 4,
  /** A tiny L2 weight on the bias, so that the Newton system stays solvable with one-sided labels. */
  l2Bias: 1e-3,
  /** Newton steps (it converges in ~5 for this convex loss; more are cheap). */
  steps: 12,
  /** Example weights: a like or dislike is a deliberate answer; a look is a softer signal. */
  feedbackWeight: 2,
  lookWeight: 0.5,
  /** Random outfits per look as its contrast, each with lookWeight / lookNegatives. */
  lookNegatives: 2,
} as const;

export const noTaste = (dim: number): Taste => ({ w: new Float32Array(dim), mean: new Float32Array(dim), scale: new Float32Array(dim).fill(1), b: 0, examples: 0 });

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** w · z of the embedding at `offset` in `embedding` (one row of a [B, d] array). */
export function tasteBoost(taste: Taste, embedding: ArrayLike<number>, offset = 0): number {
  let s = 0;
  for (let j = 0; j < taste.w.length; j++) s += taste.w[j] * (embedding[offset + j] - taste.mean[j]) * taste.scale[j];
  return s;
}

/** Per-dimension mean and 1 / standard deviation of `rows` (each of length dim); a constant dimension gets scale 0. */
export function standardisation(rows: readonly ArrayLike<number>[], dim: number): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float32Array(dim);
  const scale = new Float32Array(dim);
  if (rows.length === 0) return { mean, scale: scale.fill(1) };
  for (let j = 0; j < dim; j++) {
    let m = 0;
    for (const r of rows) m += r[j];
    m /= rows.length;
    let v = 0;
    for (const r of rows) v += (r[j] - m) ** 2;
    const sd = Math.sqrt(v / rows.length);
    mean[j] = m;
    scale[j] = sd > 1e-6 ? 1 / sd : 0;
  }
  return { mean, scale };
}

/** Solves A x = y (A symmetric positive definite, n x n row-major) by Gaussian elimination with pivoting. */
function solve(a: Float64Array, y: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(y);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    const d = m[c * n + c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= m[c * n + k] * x[k];
    x[c] = s / (m[c * n + c] || 1e-12);
  }
  return x;
}

/**
 * Fits the taste vector on `examples` (all embeddings of length `dim`). The standardisation comes from
 * `reference` (embeddings of outfits of the person's garments) when given, else from the examples.
 */
export function fitTaste(examples: readonly TasteExample[], dim: number, opts: { l2?: number; steps?: number; reference?: readonly ArrayLike<number>[] } = {}): Taste {
  if (examples.length === 0) return noTaste(dim);
  const l2 = opts.l2 ?? TASTE.l2;
  const { mean, scale } = standardisation(opts.reference?.length ? opts.reference : examples.map((e) => e.embedding), dim);
  const n = dim + 1; // w, then b
  const theta = new Float64Array(n);
  const x = new Float64Array(n);
  for (let step = 0; step < (opts.steps ?? TASTE.steps); step++) {
    const grad = new Float64Array(n);
    const hess = new Float64Array(n * n);
    for (let j = 0; j < dim; j++) {
      grad[j] = l2 * theta[j];
      hess[j * n + j] = l2;
    }
    grad[dim] = TASTE.l2Bias * theta[dim];
    hess[dim * n + dim] = TASTE.l2Bias;
    for (const ex of examples) {
      if (ex.embedding.length !== dim) throw new Error(`taste example has ${ex.embedding.length} values, expected ${dim}`);
      for (let j = 0; j < dim; j++) x[j] = (ex.embedding[j] - mean[j]) * scale[j];
      x[dim] = 1;
      let z = ex.logit;
      for (let j = 0; j < n; j++) z += theta[j] * x[j];
      const p = sigmoid(z);
      const g = ex.weight * (p - ex.label);
      const h = ex.weight * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < n; j++) {
        grad[j] += g * x[j];
        if (x[j] === 0) continue;
        for (let k = 0; k < n; k++) hess[j * n + k] += h * x[j] * x[k];
      }
    }
    const delta = solve(hess, grad, n);
    let size = 0;
    for (let j = 0; j < n; j++) {
      theta[j] -= delta[j];
      size = Math.max(size, Math.abs(delta[j]));
    }
    if (size < 1e-7) break;
  }
  return { w: Float32Array.from(theta.subarray(0, dim)), mean, scale, b: theta[dim], examples: examples.length };
}
