/**
 * Search latency of VectorIndex on random clustered vectors (EMBEDDING_DIM), in Node:
 *   npx tsx scripts/bench-vector-index.ts [sizes...]   (default: 10000 100000)
 * SCAN=js forces the scalar JS scan instead of the WASM SIMD kernel.
 * Prints median and p95 over 30 queries of k=10 after 5 warm-up queries, plus build time and memory.
 */
import { EMBEDDING_DIM } from '../common/constants';
import { VectorIndex } from '../workers/index/vector-index';
import { rng } from '../common/random';

const sizes = process.argv.slice(2).map(Number);
const d = EMBEDDING_DIM;
const rand = rng(42);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: d }, gauss));
const sample = (): Float32Array => {
  const c = centres[Math.floor(rand() * centres.length)];
  const v = new Float32Array(d);
  for (let j = 0; j < d; j++) v[j] = c[j] + 0.8 * gauss();
  return v;
};

for (const n of sizes.length ? sizes : [10_000, 100_000]) {
  const index = new VectorIndex(d, { initialCapacity: n, wasm: process.env.SCAN !== "js" });
  let t = performance.now();
  for (let i = 0; i < n; i++) index.upsert({ id: `garment:${i}`, kind: i % 5 ? 'garment' : 'look', lookId: `l${i >> 2}`, vector: sample() });
  const buildMs = performance.now() - t;
  const queries = Array.from({ length: 35 }, sample);
  const times: number[] = [];
  for (let i = 0; i < queries.length; i++) {
    t = performance.now();
    index.search(queries[i], { k: 10 });
    if (i >= 5) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const kindTimes: number[] = [];
  for (const qv of queries.slice(0, 10)) {
    t = performance.now();
    index.search(qv, { k: 10, kind: 'garment', excludeLookId: 'l3', minScore: 0.2 });
    kindTimes.push(performance.now() - t);
  }
  kindTimes.sort((a, b) => a - b);
  console.log(
    `[${index.scanner}] n=${n} dim=${d}: search k=10 median ${times[times.length >> 1].toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms;` +
      ` filtered (kind=garment, 80%) median ${kindTimes[5].toFixed(1)} ms; build ${(buildMs / 1000).toFixed(1)} s; arrays ${(index.bytes / 1e6).toFixed(0)} MB`,
  );
}
