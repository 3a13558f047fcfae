/**
 * Synthetic embedding sets for the search benchmark, deterministic from a seed. Real garment vectors do not
 * exist in the 100k-1M range, so these imitate their structure: 256 categories-like centres, 32 sub-centres
 * (a "kind of piece") under each, and per-vector noise:
 *   v = centre + 0.5 * subCentre + 0.3 * noise   (all components N(0, 1) before scaling; L2-normalised)
 * Queries are fresh draws from the same distribution (never stored vectors), so the true top 10 are the
 * query's sub-cluster mates: cosine ~0.93 within a sub-cluster, ~0.75 within a centre, ~0 across centres.
 */
import { rng } from '../../common/random';

export { rng };

export interface VectorSet {
  dim: number;
  /** n × dim, row-major, every row L2-normalised. */
  data: Float32Array;
  n: number;
  /** Draws a new normalised query from the same distribution. */
  query(): Float32Array;
}

const CENTRES = 256;
const SUBS = 32;

export function makeVectorSet(n: number, dim: number, seed = 42): VectorSet {
  const rand = rng(seed);
  // Box-Muller, both outputs used.
  let spare: number | null = null;
  const gauss = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(rand() + 1e-12));
    const a = 2 * Math.PI * rand();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  const centres = new Float32Array(CENTRES * dim).map(gauss);
  const subs = new Float32Array(CENTRES * SUBS * dim).map(() => 0.5 * gauss());
  const draw = (out: Float32Array, off: number): void => {
    const c = Math.floor(rand() * CENTRES);
    const s = c * SUBS + Math.floor(rand() * SUBS);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const x = centres[c * dim + j] + subs[s * dim + j] + 0.3 * gauss();
      out[off + j] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[off + j] *= inv;
  };
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) draw(data, i * dim);
  return {
    dim, data, n,
    query() {
      const q = new Float32Array(dim);
      draw(q, 0);
      return q;
    },
  };
}

/** Exact top-k by dot product (rows are normalised: cosine) with a plain float32 scan in JS. */
export function exactTopK(set: { data: Float32Array; n: number; dim: number }, q: Float32Array, k: number): number[] {
  const { data, n, dim } = set;
  const best: { s: number; i: number }[] = [];
  let floor = -Infinity;
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < dim; j += 4) {
      s0 += data[base + j] * q[j];
      s1 += data[base + j + 1] * q[j + 1];
      s2 += data[base + j + 2] * q[j + 2];
      s3 += data[base + j + 3] * q[j + 3];
    }
    const s = s0 + s1 + s2 + s3;
    if (best.length < k || s > floor) {
      let p = best.length;
      best.push({ s, i });
      while (p > 0 && best[p - 1].s < s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = { s, i };
      if (best.length > k) best.length = k;
      floor = best[best.length - 1].s;
    }
  }
  return best.map((b) => b.i);
}

/** Fraction of `truth` found in `found` (recall@k with k = truth.length). */
export function recall(truth: number[], found: number[]): number {
  const set = new Set(found);
  return truth.filter((t) => set.has(t)).length / truth.length;
}
