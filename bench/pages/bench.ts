/**
 * The bench-only page (never in the app's bundle): window.bench exposes one function per benchmark, called
 * by scripts/bench.ts through Playwright. Everything timed here runs the app's own modules: the vision
 * worker, the index worker and VectorIndex with its WASM SIMD kernel, the outfit scorer.
 */
import { wrap } from 'comlink';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import { loadHnswlib } from 'hnswlib-wasm';
import * as voyGlue from 'voy-search/voy_search_bg.js';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import type { VisionApi } from '../../workers/vision.worker';
import type { IndexApi } from '../../workers/index/index.worker';
import { VectorIndex } from '../../workers/index/vector-index';
import { createDotKernel } from '../../workers/index/int8-dot';
import { openMirrorDB } from '../../common/db-open';
import { EMBEDDING_DIM } from '../../common/constants';
import type { OutfitBenchApi } from './outfits.worker';
import type { ThreadsProbeApi } from './threads.worker';
import { exactTopK, makeVectorSet, recall, type VectorSet } from './vectors';

const now = () => performance.now();

// ---------------------------------------------------------------- photo analysis (vision worker)

export interface AnalysisResult {
  backend: unknown;
  crossOriginIsolated: boolean;
  /** new Worker + init (model load, backend start, warm-up on a synthetic image), ms. */
  initMs: number;
  /** The first photo after init, ms. */
  firstPhotoMs: number;
  /** Page-side wall time of analyzeBlob per warm photo (decode + pipeline + messaging), ms. */
  endToEnd: number[];
  /** Analysis.timings per warm photo (ms per stage, as the pipeline reports them). */
  stages: Record<string, number[]>;
  memoryBefore: { numTensors: number; numBytes: number };
  memoryAfter: { numTensors: number; numBytes: number };
  photos: number;
}

async function analysis(opts: { choice: 'wasm' | 'webgpu'; photos: string[]; warmup: number }): Promise<AnalysisResult> {
  const blobs = await Promise.all(opts.photos.map(async (p) => (await fetch(p)).blob()));
  const t0 = now();
  const worker = new Worker(new URL('../../workers/vision.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<VisionApi>(worker);
  try {
    const backend = await api.init(opts.choice);
    const initMs = now() - t0;
    let t = now();
    await api.analyzeBlob(blobs[0]);
    const firstPhotoMs = now() - t;
    const endToEnd: number[] = [];
    const stages: Record<string, number[]> = {};
    let memoryBefore = await api.memory();
    for (let i = 1; i < blobs.length; i++) {
      if (i === opts.warmup) memoryBefore = await api.memory();
      t = now();
      const a = await api.analyzeBlob(blobs[i]);
      const ms = now() - t;
      if (i < opts.warmup) continue;
      endToEnd.push(ms);
      for (const [k, v] of Object.entries(a.timings ?? {})) (stages[k] ??= []).push(v);
    }
    const memoryAfter = await api.memory();
    return { backend, crossOriginIsolated, initMs, firstPhotoMs, endToEnd, stages, memoryBefore, memoryAfter, photos: blobs.length };
  } finally {
    worker.terminate();
  }
}

// ---------------------------------------------------------------- vector search

export interface Contender {
  name: string;
  /** Build / insert time (ms) for all vectors. */
  buildMs: number;
  /** Per-query latency (ms), warm-up queries left out. */
  latency: number[];
  recall10: number;
  note?: string;
}

export interface SearchResult {
  n: number;
  dim: number;
  queries: number;
  contenders: Contender[];
  /** Bytes held per stored vector by Mirror's index (int8 + float32 + per-slot fields). */
  mirrorBytesPerVector: number;
  /** Vectors Mirror's index scanned per query in int8 (all of them without a partition), mean. */
  mirrorScannedPerQuery: number;
  scanner: string;
  /** Libraries that failed to build or search here, with the error. */
  failures: string[];
}

type Searcher = (q: Float32Array) => number[] | Promise<number[]>;

async function timeQueries(search: Searcher, queries: Float32Array[], truth: number[][], warmup: number): Promise<{ latency: number[]; recall10: number }> {
  const latency: number[] = [];
  let r = 0;
  for (let i = 0; i < queries.length; i++) {
    const t = now();
    const found = await search(queries[i]);
    const ms = now() - t;
    if (i >= warmup) latency.push(ms);
    r += recall(truth[i], found);
  }
  return { latency, recall10: r / queries.length };
}

let voyReady: Promise<void> | null = null;
function initVoy(): Promise<void> {
  voyReady ??= (async () => {
    const { instance } = await WebAssembly.instantiateStreaming(fetch(voyWasmUrl), { './voy_search_bg.js': voyGlue as unknown as WebAssembly.ModuleImports });
    voyGlue.__wbg_set_wasm(instance.exports);
  })();
  return voyReady;
}

async function search(opts: { n: number; queries: number; warmup: number; libs: string[]; hnsw: { m: number; efConstruction: number; efSearch: number } }): Promise<SearchResult> {
  const dim = EMBEDDING_DIM;
  const k = 10;
  const set: VectorSet = makeVectorSet(opts.n, dim);
  const queries = Array.from({ length: opts.queries }, () => set.query());
  const contenders: Contender[] = [];
  const failures: string[] = [];

  // Plain float32 scan in JS: the exact answer (ground truth) and the simplest alternative.
  const truth: number[][] = [];
  const floatLatency: number[] = [];
  for (let i = 0; i < queries.length; i++) {
    const t = now();
    truth.push(exactTopK(set, queries[i], k));
    if (i >= opts.warmup) floatLatency.push(now() - t);
  }
  contenders.push({ name: 'float32 scan (JS)', buildMs: 0, latency: floatLatency, recall10: 1, note: 'exact; the ground truth' });

  // Mirror's VectorIndex (the same module the index worker runs).
  let t = now();
  let index: VectorIndex | null = new VectorIndex(dim, { initialCapacity: opts.n });
  for (let i = 0; i < opts.n; i++) index.upsert({ id: String(i), kind: 'garment', lookId: `l${i}`, vector: set.data.subarray(i * dim, (i + 1) * dim) });
  // What the index worker does after a load: the partition (k-means) from 20,000 vectors on.
  index.maintain();
  const buildMs = now() - t;
  const mirror = index;
  let scanned = 0;
  const m = await timeQueries((q) => {
    const hits = mirror.search(q, { k });
    scanned += mirror.lastScanned;
    return hits.map((h) => Number(h.id));
  }, queries, truth, opts.warmup);
  const mirrorBytesPerVector = index.bytes / opts.n;
  const mirrorScannedPerQuery = scanned / queries.length;
  const scanner = index.scanner;
  contenders.unshift({ name: `Mirror VectorIndex (int8 ${scanner}, ${index.layout}, + float re-rank)`, buildMs, ...m });
  index = null;

  if (opts.libs.includes('hnswlib-wasm')) try {
    const lib = await loadHnswlib();
    const h = new lib.HierarchicalNSW('cosine', dim, '');
    const { m: M, efConstruction, efSearch } = opts.hnsw;
    t = now();
    h.initIndex(opts.n, M, efConstruction, 100);
    for (let i = 0; i < opts.n; i++) h.addPoint(set.data.subarray(i * dim, (i + 1) * dim), i, false);
    const build = now() - t;
    h.setEfSearch(efSearch);
    const r = await timeQueries((q) => h.searchKnn(q, k, undefined).neighbors, queries, truth, opts.warmup);
    contenders.push({ name: 'hnswlib-wasm (HNSW)', buildMs: build, ...r, note: `M=${M}, efConstruction=${efConstruction}, efSearch=${efSearch}` });
    // Frees the index inside the module's heap (the heap itself does not shrink).
    (h as unknown as { delete?: () => void }).delete?.();
  } catch (e) {
    failures.push(`hnswlib-wasm: ${String(e)}`);
  }

  if (opts.libs.includes('@orama/orama')) try {
    const db = create({ schema: { id: 'string', embedding: `vector[${dim}]` } as const });
    // Orama's schema check wants plain arrays (it copies them into Float32Arrays); made per batch.
    let build = 0;
    for (let start = 0; start < opts.n; start += 1000) {
      const docs = Array.from({ length: Math.min(1000, opts.n - start) }, (_, j) => ({ id: String(start + j), embedding: Array.from(set.data.subarray((start + j) * dim, (start + j + 1) * dim)) }));
      t = now();
      await insertMultiple(db, docs, 1000);
      build += now() - t;
    }
    // Orama drops hits under `similarity` (default 0.8); 0.5 keeps every vector of the query's centre.
    const r = await timeQueries(async (q) => (await oramaSearch(db, { mode: 'vector', vector: { value: Array.from(q), property: 'embedding' }, similarity: 0.5, limit: k, includeVectors: false })).hits.map((hit) => Number(hit.id)), queries, truth, opts.warmup);
    contenders.push({ name: '@orama/orama (vector mode)', buildMs: build, ...r, note: 'brute force in JS, similarity >= 0.5' });
  } catch (e) {
    failures.push(`@orama/orama: ${String(e)}`);
  }

  if (opts.libs.includes('voy-search')) try {
    await initVoy();
    const resource = { embeddings: Array.from({ length: opts.n }, (_, i) => ({ id: String(i), title: '', url: '', embeddings: Array.from(set.data.subarray(i * dim, (i + 1) * dim)) })) };
    t = now();
    const voy = new voyGlue.Voy(resource);
    const build = now() - t;
    const r = await timeQueries((q) => voy.search(q, k).neighbors.map((nb: { id: string }) => Number(nb.id)), queries, truth, opts.warmup);
    contenders.push({ name: 'voy-search (k-d tree, WASM)', buildMs: build, ...r });
    voy.free();
  } catch (e) {
    failures.push(`voy-search: ${String(e)}`);
  }

  return { n: opts.n, dim, queries: opts.queries - opts.warmup, contenders, mirrorBytesPerVector, mirrorScannedPerQuery, scanner, failures };
}

// ---------------------------------------------------------------- index load from IndexedDB (index worker)

async function idbLoad(opts: { n: number; queries: number; warmup: number }) {
  const dim = EMBEDDING_DIM;
  const set = makeVectorSet(opts.n, dim, 5);
  const db = await openMirrorDB();
  await db.clear('vectors');
  let t = now();
  for (let start = 0; start < opts.n; start += 1000) {
    const tx = db.transaction('vectors', 'readwrite');
    for (let i = start; i < Math.min(opts.n, start + 1000); i++) {
      void tx.store.put({ id: `garment:${i}`, kind: 'garment', lookId: `l${i >> 2}`, vector: set.data.slice(i * dim, (i + 1) * dim), modelVersion: 'bench' });
    }
    await tx.done;
  }
  const writeMs = now() - t;
  const estimate = await navigator.storage.estimate();
  const worker = new Worker(new URL('../../workers/index/index.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<IndexApi>(worker);
  try {
    t = now();
    const loaded = await api.load('bench');
    const loadWallMs = now() - t;
    const latency: number[] = [];
    for (let i = 0; i < opts.queries; i++) {
      const q = set.query();
      t = now();
      await api.search(q, { kind: 'garment', k: 10 });
      if (i >= opts.warmup) latency.push(now() - t);
    }
    return { n: opts.n, writeMs, loadMs: loaded.ms, loadWallMs, count: loaded.count, latency, usageBytes: estimate.usage ?? 0 };
  } finally {
    worker.terminate();
    await db.clear('vectors');
    db.close();
  }
}

// ---------------------------------------------------------------- int8 scan at 1M, memory bandwidth

/** The WASM SIMD kernel alone over n int8 vectors (no float32 copy). */
function int8Scan(opts: { n: number; runs: number }) {
  const dim = EMBEDDING_DIM;
  const CHUNK = 4096;
  const PAGE = 65536;
  const outPtr = Math.ceil((dim * 2) / 16) * 16;
  const vecPtr = Math.ceil((outPtr + CHUNK * 4) / PAGE) * PAGE;
  const bytes = vecPtr + opts.n * dim;
  let kernel;
  try {
    kernel = createDotKernel(Math.ceil(bytes / PAGE));
  } catch (e) {
    return { n: opts.n, error: `WebAssembly.Memory of ${(bytes / 1e9).toFixed(2)} GB failed: ${String(e)}`, runs: [] as number[] };
  }
  if (!kernel) return { n: opts.n, error: 'no WebAssembly SIMD', runs: [] as number[] };
  const buf = kernel.memory.buffer;
  // Pseudo-random int8 fill, 4 bytes at a time (xorshift32).
  const words = new Int32Array(buf, vecPtr, (opts.n * dim) >> 2);
  let x = 2463534242;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    words[i] = x;
  }
  const q = new Int16Array(buf, 0, dim);
  for (let j = 0; j < dim; j++) q[j] = ((j * 37) % 255) - 127;
  const dots = new Int32Array(buf, outPtr, CHUNK);
  const runs: number[] = [];
  for (let r = 0; r < opts.runs + 1; r++) {
    const t = now();
    let best = -Infinity;
    for (let start = 0; start < opts.n; start += CHUNK) {
      const count = Math.min(CHUNK, opts.n - start);
      kernel.scan(vecPtr + start * dim, 0, dim, count, outPtr);
      for (let i = 0; i < count; i++) if (dots[i] > best) best = dots[i];
    }
    if (r > 0) runs.push(now() - t);
  }
  return { n: opts.n, runs, bytesScanned: opts.n * dim };
}

/** Read bandwidth of this browser: an 8-accumulator sum over a 256 MB Float64Array (GB/s per run). */
function bandwidth(opts: { runs: number }) {
  const a = new Float64Array(32 * 1024 * 1024);
  for (let i = 0; i < a.length; i++) a[i] = i & 1023;
  const gbps: number[] = [];
  let sink = 0;
  for (let r = 0; r < opts.runs + 1; r++) {
    const t = now();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = 0; i < a.length; i += 8) {
      s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3];
      s4 += a[i + 4]; s5 += a[i + 5]; s6 += a[i + 6]; s7 += a[i + 7];
    }
    sink += s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    const ms = now() - t;
    if (r > 0) gbps.push(a.byteLength / 1e9 / (ms / 1000));
  }
  return { gbps, bytes: a.byteLength, sink };
}

// ---------------------------------------------------------------- outfit scoring

async function outfits(opts: { candidates: number; garments: number; warmup: number; runs: number; teacherRuns: number }) {
  const worker = new Worker(new URL('./outfits.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await wrap<OutfitBenchApi>(worker).run(opts);
  } finally {
    worker.terminate();
  }
}

/** tfjs-backend-wasm's real thread count in a fresh bundled worker for each requested count. */
async function threads(opts: { requested: number[]; reportedCores?: number }) {
  const out = [];
  for (const n of opts.requested) {
    const worker = new Worker(new URL('./threads.worker.ts', import.meta.url), { type: 'module' });
    try {
      out.push(await wrap<ThreadsProbeApi>(worker).probe(n, opts.reportedCores));
    } finally {
      worker.terminate();
    }
  }
  return out;
}

async function probeGpu() {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, description: 'navigator.gpu is missing' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { available: false, description: 'no WebGPU adapter' };
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  return { available: true, description: [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' '), fallback: info?.isFallbackAdapter === true };
}

const bench = { analysis, threads, search, idbLoad, int8Scan, bandwidth, outfits, probeGpu, ready: true };
export type Bench = typeof bench;
(window as unknown as { bench: Bench }).bench = bench;
