/**
 * Search latency and recall of VectorIndex on clustered vectors (EMBEDDING_DIM), in Node:
 *   npx tsx scripts/bench-vector-index.ts [sizes...]   (default: 10000 100000)
 * The vectors are the search benchmark's synthetic set (bench/pages/vectors.ts), or, with VECTORS=FILE, real
 * ones: FILE is raw little-endian float32, dim per row (queries are then 200 of its rows, left out of the index).
 * SCAN=js forces the scalar JS scan instead of the WASM SIMD kernel; PROBE=N and PARTITION_MIN=N override
 * the index's defaults. Prints median and p95 over the queries of k=10 after 5 warm-up queries, recall@10
 * against the exact float scan, build time (upserts + maintain()) and memory.
 */
import { readFileSync } from 'node:fs';
import { EMBEDDING_DIM } from '../common/constants';
import { VectorIndex } from '../workers/index/vector-index';
import { makeVectorSet } from '../bench/pages/vectors';

const sizes = process.argv.slice(2).map(Number);
const d = EMBEDDING_DIM;
const opt = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

function data(n: number): { rows: Float32Array; count: number; queries: Float32Array[] } {
  const file = process.env.VECTORS;
  if (!file) {
    const set = makeVectorSet(n, d);
    return { rows: set.data, count: n, queries: Array.from({ length: 205 }, () => set.query()) };
  }
  const all = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
  const total = Math.floor(all.length / d);
  const queries = Array.from({ length: 205 }, (_, i) => all.slice((total - 1 - i) * d, (total - i) * d));
  const count = Math.min(n, total - 205);
  return { rows: all.subarray(0, count * d), count, queries };
}

/** Exact cosine of every row with q. */
function cosines(rows: Float32Array, count: number, q: Float32Array): Float64Array {
  let qn = 0;
  for (let j = 0; j < d; j++) qn += q[j] * q[j];
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    let nn = 0;
    for (let j = 0; j < d; j++) {
      s += rows[i * d + j] * q[j];
      nn += rows[i * d + j] * rows[i * d + j];
    }
    scores[i] = s / Math.sqrt(nn * qn);
  }
  return scores;
}

for (const n of sizes.length ? sizes : [10_000, 100_000]) {
  const { rows, count, queries } = data(n);
  const index = new VectorIndex(d, { initialCapacity: count, wasm: process.env.SCAN !== 'js', probe: opt('PROBE'), partitionMin: opt('PARTITION_MIN') });
  let t = performance.now();
  for (let i = 0; i < count; i++) index.upsert({ id: String(i), kind: i % 5 ? 'garment' : 'look', lookId: `l${i >> 2}`, vector: rows.subarray(i * d, (i + 1) * d) });
  const upsertMs = performance.now() - t;
  t = performance.now();
  index.maintain();
  const maintainMs = performance.now() - t;
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < queries.length; i++) {
    t = performance.now();
    const hits = index.search(queries[i], { k: 10 });
    if (i >= 5) times.push(performance.now() - t);
    // A hit counts when its exact cosine reaches the true 10th best (ties, e.g. duplicate vectors, count alike).
    const scores = cosines(rows, count, queries[i]);
    const tenth = Float64Array.from(scores).sort().reverse()[9];
    found += hits.filter((h) => scores[Number(h.id)] >= tenth - 1e-6).length;
  }
  times.sort((a, b) => a - b);
  const kindTimes: number[] = [];
  for (const qv of queries.slice(0, 21)) {
    t = performance.now();
    index.search(qv, { k: 10, kind: 'look' });
    kindTimes.push(performance.now() - t);
  }
  kindTimes.sort((a, b) => a - b);
  console.log(
    `[${index.scanner}, ${index.layout}] n=${count} dim=${d}: search k=10 median ${times[times.length >> 1].toFixed(3)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(3)} ms,` +
      ` recall@10 ${(found / (queries.length * 10)).toFixed(3)}; kind=look (20 %) median ${kindTimes[10].toFixed(3)} ms;` +
      ` build ${(upsertMs / 1000).toFixed(2)} s + maintain ${(maintainMs / 1000).toFixed(2)} s; arrays ${(index.bytes / 1e6).toFixed(0)} MB`,
  );
}
