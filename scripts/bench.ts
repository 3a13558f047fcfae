/**
 * Mirror's benchmark: drives headless Debian Chromium over the BUILT app (dist/, `vite preview`) and the
 * bench-only page (bench/dist, which bundles the app's own worker modules), writes bench/results.json and
 * the table in BENCHMARKS.md.
 *
 *   npm run bench                 # builds both, then the full run (about 3 minutes after the builds on 2 cores)
 *   npm run bench -- --quick      # smaller samples, a few minutes
 *   npx tsx scripts/bench.ts --quick --only=search,outfits   # no build; only some parts (for development)
 *
 * Every figure is a median (and nearest-rank p95) over repeated runs after warm-up; comparisons are measured
 * in the same run. Speed goals are checked here only, never by tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_PATH, HEADLESS_ARGS } from './chromium.mjs';
import { compare, renderTable, replaceTable, resultsJson, stats, type Figure, type Results } from '../bench/report';
import type { Bench } from '../bench/pages/bench';
import { makeFigureJpeg } from '../tests/e2e/support/images';
import { EMBEDDING_DIM } from '../common/constants';
import { SHORTLIST_MIN } from '../workers/index/vector-index';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (part: string) => !ONLY || ONLY.includes(part);
const PHOTO_DIR = resolve(ROOT, '../shared/data/ccp/photos');
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'];
const PORT = { app: 4391, bench: 4392, benchPlain: 4393 };

/** Sample sizes: quick is for development, full for the numbers in BENCHMARKS.md. */
const SIZE = QUICK
  ? { photos: 12, photosSingle: 8, warmup: 2, coldRuns: 2, searchSizes: [10_000], libSizes: [10_000], idbSizes: [10_000], queries: 25, int8Runs: 3, outfitRuns: 3, ingest: 12, startRuns: 3 }
  : { photos: 103, photosSingle: 33, warmup: 3, coldRuns: 3, searchSizes: [10_000, 100_000], libSizes: [10_000, 100_000], idbSizes: [10_000, 100_000], queries: 105, int8Runs: 10, outfitRuns: 7, ingest: 100, startRuns: 7 };
// efConstruction 64 keeps the 100k build to minutes on 2 cores (its build is ~O(n · efConstruction) distances).
// Development overrides (the committed figures never use them): BENCH_SEARCH_N=100000 BENCH_LIBS=@orama/orama.
if (process.env.BENCH_SEARCH_N) SIZE.searchSizes = SIZE.libSizes = SIZE.idbSizes = process.env.BENCH_SEARCH_N.split(',').map(Number);
const LIBS = process.env.BENCH_LIBS?.split(',');
const HNSW = { m: 16, efConstruction: 64, efSearch: 64 };

const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const figures: Figure[] = [];
const skipped: Results['skipped'] = [];
const children: ChildProcess[] = [];
const foreign: string[] = [];

function serve(name: string, port: number, extraArgs: string[], env: Record<string, string> = {}): void {
  const child = spawn(join(ROOT, 'node_modules/.bin/vite'), ['preview', '--port', String(port), '--strictPort', ...extraArgs], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  children.push(child);
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

function stopServers(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopServers);
process.on('SIGINT', () => process.exit(130));

async function newContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  // Mirror's privacy rule holds in the benchmark too: any request to another origin is reported.
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) foreign.push(url);
  });
  return context;
}

/** Photos for the analysis and ingest benchmarks: the CCP photos, or generated figures when absent. */
function photoFiles(count: number): { name: string; path?: string; buffer?: Buffer }[] {
  if (existsSync(PHOTO_DIR)) {
    const names = readdirSync(PHOTO_DIR).filter((n) => /\.jpe?g$/i.test(n)).sort();
    if (names.length > 0) return Array.from({ length: count }, (_, i) => ({ name: names[i % names.length], path: join(PHOTO_DIR, names[i % names.length]) }));
  }
  return Array.from({ length: count }, (_, i) => ({ name: `generated-${i}.jpg`, buffer: makeFigureJpeg(600 + (i % 5) * 40, 900, [(i * 40) % 255, 60, 90]) }));
}

async function benchPage(context: BrowserContext, port: number): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('[bench]')) log('page:', m.text()); });
  const photos = photoFiles(SIZE.photos);
  await page.route('**/bench-photos/**', async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()!);
    const p = photos.find((x) => x.name === name);
    await route.fulfill({ status: p ? 200 : 404, contentType: 'image/jpeg', body: p ? (p.buffer ?? readFileSync(p.path!)) : '' });
  });
  await page.goto(`http://localhost:${port}/bench/pages/bench.html`);
  await page.waitForFunction(() => (window as unknown as { bench?: Bench }).bench?.ready === true);
  return page;
}

type BenchFn = Exclude<keyof Bench, 'ready'>;
const bench = <K extends BenchFn>(page: Page, name: K, arg?: Parameters<Bench[K]>[0]) =>
  page.evaluate(([n, a]) => (window as unknown as { bench: Record<string, (x: unknown) => unknown> }).bench[n as string](a), [name, arg] as const) as Promise<Awaited<ReturnType<Bench[K]>>>;

const kilo = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
let environmentBackend = 'WASM (tfjs-backend-wasm)';

// ------------------------------------------------------------------------------------------- analysis
async function analysisBench(browser: Browser): Promise<void> {
  const photos = photoFiles(SIZE.photos).map((p) => `/bench-photos/${encodeURIComponent(p.name)}`);
  if (!existsSync(PHOTO_DIR)) skipped.push({ what: 'real photos', why: `${PHOTO_DIR} is absent: generated figure images were used` });
  type A = Awaited<ReturnType<Bench['analysis']>>;
  const runs: Record<'threads' | 'single', { main: A; cold: number[] }> = {} as never;
  for (const [mode, port, n] of [['threads', PORT.bench, SIZE.photos], ['single', PORT.benchPlain, SIZE.photosSingle]] as const) {
    const context = await newContext(browser, `http://localhost:${port}`);
    const page = await benchPage(context, port);
    log(`analysis (${mode}): ${n} photos`);
    const main = await bench(page, 'analysis', { choice: 'wasm', photos: photos.slice(0, n), warmup: SIZE.warmup });
    const cold = [main.initMs + main.firstPhotoMs];
    for (let i = 1; i < SIZE.coldRuns; i++) {
      const c = await bench(page, 'analysis', { choice: 'wasm', photos: photos.slice(i, i + 1), warmup: 1 });
      cold.push(c.initMs + c.firstPhotoMs);
    }
    runs[mode] = { main, cold };
    log(`  backend: ${JSON.stringify(main.backend)}; isolated ${main.crossOriginIsolated}`);
    await context.close();
  }
  const info = (a: A) => a.backend as { reason: string; threads?: number; simd?: boolean };
  const t = runs.threads.main;
  const s = runs.single.main;
  const tInfo = info(t);
  const sInfo = info(s);
  environmentBackend = `WASM: ${tInfo.reason}; single-thread comparison: ${sInfo.reason}`;
  const e2e = stats(t.endToEnd);
  const e2eS = stats(s.endToEnd);
  const cold = stats(runs.threads.cold);
  const coldS = stats(runs.single.cold);
  figures.push({
    id: 'analysis.cold.wasm.ms', label: 'Photo analysis, cold: new worker, model load (HTTP cache after the first), backend start, warm-up, first photo', value: cold.p50, p95: cold.p95, samples: cold.n, unit: 'ms',
    compared_to: compare(cold.p50, [{ name: 'WASM 1 thread', value: coldS.p50 }]),
  });
  figures.push({
    id: 'analysis.warm.wasm.p50_ms', label: `Photo analysis, warm, end to end (decode + pipeline + messaging), WASM ${tInfo.threads ?? '?'} thread(s)`, value: e2e.p50, p95: e2e.p95, samples: e2e.n, unit: 'ms', budget: { max: 600 },
    compared_to: compare(e2e.p50, [{ name: 'WASM 1 thread (no cross-origin isolation)', value: e2eS.p50 }]),
  });
  for (const stage of Object.keys(t.stages)) {
    const a = stats(t.stages[stage]);
    const b = stats(s.stages[stage] ?? []);
    figures.push({ id: `analysis.warm.wasm.${stage}.p50_ms`, label: `  stage ${stage} (Analysis.timings)`, value: a.p50, p95: a.p95, samples: a.n, unit: 'ms', compared_to: compare(a.p50, [{ name: 'WASM 1 thread', value: b.p50 }]) });
  }
  figures.push({ id: 'analysis.warm.wasm_1thread.p50_ms', label: 'Photo analysis, warm, end to end, WASM 1 thread', value: e2eS.p50, p95: e2eS.p95, samples: e2eS.n, unit: 'ms' });
  const counted = t.photos - SIZE.warmup;
  figures.push({ id: 'analysis.tensors_delta', label: `tfjs tensors after ${counted} photos minus before (0 = no leak)`, value: t.memoryAfter.numTensors - t.memoryBefore.numTensors, unit: 'tensors', budget: { max: 0 } });
  figures.push({ id: 'analysis.tf_bytes_after', label: `tfjs memory held after ${counted} photos (weights included)`, value: t.memoryAfter.numBytes / 1e6, unit: 'MB', compared_to: compare(t.memoryAfter.numBytes, [{ name: 'before (MB)', value: t.memoryBefore.numBytes / 1e6 }]).map((c) => ({ ...c, ratio: t.memoryAfter.numBytes / t.memoryBefore.numBytes })) });
}

async function threadsBench(browser: Browser): Promise<void> {
  for (const [mode, port] of [['isolated', PORT.bench], ['not isolated', PORT.benchPlain]] as const) {
    const context = await newContext(browser, `http://localhost:${port}`);
    const page = await benchPage(context, port);
    const probes = await bench(page, 'threads', { requested: [1, 2, 4] });
    log(`threads (${mode}): ${JSON.stringify(probes)}`);
    const one = probes[0].matMulMs;
    const key = mode === 'isolated' ? 'isolated' : 'plain';
    for (const p of probes) {
      figures.push({
        id: `wasm.threads.${key}.requested_${p.requested}`, label: `tfjs-backend-wasm threads when ${p.requested} requested (${mode}; multithread support ${p.multithread}, hardwareConcurrency ${p.hardwareConcurrency}); value = getThreadsCount()`,
        value: p.threads, unit: 'threads', compared_to: compare(p.matMulMs, [{ name: '1024² matMul ms vs 1 requested', value: one }]).map((c) => ({ ...c, name: `1024² matMul ${p.matMulMs.toFixed(0)} ms, vs 1 requested` })),
      });
    }
    // tfjs caps its pool at hardwareConcurrency / 2: the same request with twice the cores reported.
    const cores = 2 * probes[0].hardwareConcurrency;
    const [wide] = await bench(page, 'threads', { requested: [probes[0].hardwareConcurrency], reportedCores: cores });
    log(`threads (${mode}, ${cores} cores reported): ${JSON.stringify(wide)}`);
    figures.push({
      id: `wasm.threads.${key}.reported_cores_x2`, label: `tfjs-backend-wasm threads when ${wide.requested} requested and hardwareConcurrency reported as ${cores} (${mode}; real ${wide.hardwareConcurrency}); value = getThreadsCount()`,
      value: wide.threads, unit: 'threads', compared_to: compare(wide.matMulMs, [{ name: '1024² matMul ms vs 1 requested', value: one }]).map((c) => ({ ...c, name: `1024² matMul ${wide.matMulMs.toFixed(0)} ms, vs 1 requested` })),
    });
    await context.close();
  }
}

async function webgpuProbe(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...HEADLESS_ARGS, ...WEBGPU_ARGS] });
  try {
    const context = await newContext(browser, `http://localhost:${PORT.bench}`);
    const page = await benchPage(context, PORT.bench);
    const probe = await bench(page, 'probeGpu');
    const hardware = probe.available && !('fallback' in probe && probe.fallback) && !/swiftshader|llvmpipe|software/i.test(probe.description);
    if (!hardware) skipped.push({ what: 'Photo analysis on WebGPU', why: `no hardware adapter (with the WebGPU flags Chromium offers: ${probe.available ? probe.description : probe.description}); SwiftShader is a CPU rasteriser, not a GPU figure. WebGPU correctness is covered by tests/e2e/webgpu.spec.ts` });
    else skipped.push({ what: 'Photo analysis on WebGPU', why: `a hardware adapter exists (${probe.description}) but this benchmark has no WebGPU run yet` });
    await context.close();
  } finally {
    await browser.close();
  }
}

// ------------------------------------------------------------------------------------------- search
async function searchBench(browser: Browser): Promise<void> {
  const context = await newContext(browser, `http://localhost:${PORT.bench}`);
  let page = await benchPage(context, PORT.bench);
  const bw = await bench(page, 'bandwidth', { runs: 5 });
  const bws = stats(bw.gbps);
  // The floor uses the best run: the bandwidth this browser can reach when the machine is not busy.
  const gbps = Math.max(...bw.gbps);
  figures.push({ id: 'memory.read_bandwidth_gbps', label: 'Read bandwidth in the page, best run (8-accumulator JS sum over a 256 MB Float64Array)', value: gbps, samples: bws.n, unit: 'GB/s', compared_to: [{ name: 'median run', value: bws.p50 }] });
  for (const n of SIZE.searchSizes) {
    // voy-search takes number[][] through serde (about 10 bytes of JS per component) and is left out above 10k.
    const libs = (SIZE.libSizes.includes(n) ? ['hnswlib-wasm', '@orama/orama', ...(n <= 10_000 ? ['voy-search'] : [])] : []).filter((l) => !LIBS || LIBS.includes(l));
    log(`search n=${n} (${libs.join(', ') || 'no libraries'})`);
    // A fresh page per size, so that arrays of the previous size are gone.
    await page.close();
    page = await benchPage(context, PORT.bench);
    const r = await bench(page, 'search', { n, queries: SIZE.queries, warmup: 5, libs, hnsw: HNSW });
    for (const f of r.failures) skipped.push({ what: `search n=${n}`, why: f });
    const [mirror, ...others] = r.contenders;
    const m = stats(mirror.latency);
    const id = `search.${kilo(n)}`;
    const libsOnly = others.filter((c) => !c.name.startsWith('float32'));
    figures.push({
      id: `${id}.p50_ms`, label: `Vector search k=10, ${n.toLocaleString('en-US')} × ${r.dim}, ${mirror.name}`, value: m.p50, p95: m.p95, samples: m.n, unit: 'ms',
      budget: n === 100_000 ? { max: 30 } : undefined,
      compared_to: compare(m.p50, others.map((c) => ({ name: c.name, value: stats(c.latency).p50 }))),
    });
    figures.push({
      id: `${id}.recall10`, label: `  recall@10 against the exact float32 scan`, value: mirror.recall10, unit: 'fraction', samples: r.queries + 5,
      budget: n === 100_000 ? { min: 0.95 } : undefined,
      compared_to: others.map((c) => ({ name: c.name, value: c.recall10 })),
    });
    if (libsOnly.length) {
      const fastest = Math.min(...libsOnly.map((c) => stats(c.latency).p50));
      figures.push({ id: `${id}.ratio_to_fastest_library`, label: '  Mirror p50 / fastest library p50 (< 1: faster than every library)', value: m.p50 / fastest, unit: '×', budget: n === 100_000 ? { max: 1 } : undefined });
    }
    for (const c of others) {
      const s = stats(c.latency);
      const slug = c.name.split(' ')[0].replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '').toLowerCase();
      figures.push({ id: `${id}.${slug}.p50_ms`, label: `  ${c.name}${c.note ? ` [${c.note}]` : ''}; build ${(c.buildMs / 1000).toFixed(1)} s`, value: s.p50, p95: s.p95, samples: s.n, unit: 'ms', compared_to: [{ name: 'recall@10', value: c.recall10 }] });
    }
    figures.push({ id: `${id}.build_ms`, label: '  Mirror index build (upsert of every vector, then maintain(): the k-means partition from 20,000 vectors on)', value: mirror.buildMs, unit: 'ms' });
    // The int8 vectors the index scanned (all of them, or the probed lists) + the float re-rank of the shortlist.
    const floorBytes = r.mirrorScannedPerQuery * r.dim + SHORTLIST_MIN * r.dim * 4;
    figures.push({ id: `${id}.floor_ms`, label: `  floor: ${(floorBytes / 1e6).toFixed(2)} MB read per query (${Math.round(r.mirrorScannedPerQuery).toLocaleString('en-US')} int8 vectors scanned) / measured bandwidth`, value: floorBytes / 1e9 / gbps * 1000, unit: 'ms', compared_to: compare(m.p50, [{ name: 'Mirror p50 / floor', value: floorBytes / 1e9 / gbps * 1000 }]).map((c) => ({ name: c.name, value: c.ratio ?? NaN })) });
    if (n === SIZE.searchSizes[0]) figures.push({ id: 'search.bytes_per_vector', label: 'Mirror index memory per vector (int8 + float32 + per-slot fields)', value: r.mirrorBytesPerVector, unit: 'B', compared_to: [{ name: 'float32 only', value: r.dim * 4 }, { name: 'int8 scanned per query', value: r.dim }] });
  }
  for (const n of SIZE.idbSizes) {
    log(`index load from IndexedDB n=${n}`);
    await page.close();
    page = await benchPage(context, PORT.bench);
    const r = await bench(page, 'idbLoad', { n, queries: 25, warmup: 5 });
    const s = stats(r.latency);
    figures.push({ id: `search.idb.${kilo(n)}.load_ms`, label: `Index load from IndexedDB by the index worker (${n.toLocaleString('en-US')} vectors; writing them took ${(r.writeMs / 1000).toFixed(1)} s)`, value: r.loadMs, unit: 'ms' });
    figures.push({ id: `search.idb.${kilo(n)}.worker_p50_ms`, label: '  search k=10 through the index worker (Comlink round trip included)', value: s.p50, p95: s.p95, samples: s.n, unit: 'ms' });
    figures.push({ id: `search.idb.${kilo(n)}.stored_bytes_per_vector`, label: '  origin storage per vector (navigator.storage.estimate().usage / n)', value: r.usageBytes / n, unit: 'B' });
  }
  log('int8 scan at 1M');
  await page.close();
  page = await benchPage(context, PORT.bench);
  const big = await bench(page, 'int8Scan', { n: 1_000_000, runs: SIZE.int8Runs });
  if ('error' in big && big.error) skipped.push({ what: 'int8 scan at 1M', why: big.error });
  else {
    const s = stats(big.runs);
    const floor = (big.bytesScanned ?? 0) / 1e9 / gbps * 1000;
    figures.push({ id: 'search.1M.int8_scan_ms', label: `int8 scan only (WASM SIMD kernel + max), 1,000,000 × ${EMBEDDING_DIM} = ${(EMBEDDING_DIM / 1000).toFixed(2)} GB in WebAssembly memory`, value: s.p50, p95: s.p95, samples: s.n, unit: 'ms', compared_to: compare(s.p50, [{ name: 'floor (bytes / bandwidth)', value: floor }]) });
    figures.push({ id: 'search.1M.int8_scan_gbps', label: `  bytes the int8 scan reads per second (${(EMBEDDING_DIM / 1000).toFixed(2)} GB / its median time); above the JS-sum bandwidth means the JS sum is compute-bound, not memory-bound`, value: (big.bytesScanned ?? 0) / 1e9 / (s.p50 / 1000), unit: 'GB/s', compared_to: [{ name: 'JS-sum bandwidth (best run)', value: gbps }] });
  }
  skipped.push({ what: 'Full index (int8 + float32 re-rank copy) at 1M', why: `not measured: the run times the index (scan, shortlist, re-rank) up to 100k and, at 1M, the int8 scan alone (the part that grows with n), in a ${(EMBEDDING_DIM / 1000).toFixed(2)} GB WebAssembly memory; a full index at 1M would hold ${(EMBEDDING_DIM / 1000).toFixed(2)} GB int8 + ${(EMBEDDING_DIM * 4 / 1000).toFixed(2)} GB float32` });
  await context.close();
}

// ------------------------------------------------------------------------------------------- outfits
async function outfitsBench(browser: Browser): Promise<void> {
  const context = await newContext(browser, `http://localhost:${PORT.bench}`);
  const page = await benchPage(context, PORT.bench);
  log('outfit scoring');
  const r = await bench(page, 'outfits', { candidates: Number(process.env.BENCH_OUTFITS ?? 10_000), garments: 300, warmup: 1, runs: SIZE.outfitRuns, teacherRuns: QUICK ? 1 : 3 });
  const [student, teacher] = r.scorers;
  const s = stats(student.runs);
  const t = stats(teacher.runs);
  figures.push({
    id: 'outfits.10k.ms', label: `Outfit scoring, 10,000 candidates (2-5 of 300 garments), student (${student.parameters.toLocaleString('en-US')} parameters; ${student.weights})`, value: s.p50, p95: s.p95, samples: s.n, unit: 'ms', budget: { max: 1000 },
    compared_to: compare(s.p50, [{ name: `teacher (${teacher.parameters.toLocaleString('en-US')} parameters)`, value: t.p50 }]),
  });
  figures.push({ id: 'outfits.10k.per_s', label: '  student outfits per second', value: 10_000 / (s.p50 / 1000), unit: 'outfits/s', compared_to: compare(10_000 / (s.p50 / 1000), [{ name: 'teacher', value: 10_000 / (t.p50 / 1000) }]) });
  figures.push({ id: 'outfits.10k.teacher.ms', label: `  teacher (${teacher.weights})`, value: t.p50, p95: t.p95, samples: t.n, unit: 'ms' });
  log(`  outfit backend: ${JSON.stringify(r.backend)}, tensors left ${r.tensorsLeft}`);
  await context.close();
}

// ------------------------------------------------------------------------------------------- app: ingest, start
const APP = `http://localhost:${PORT.app}`;

async function ingestBench(browser: Browser): Promise<void> {
  const context = await newContext(browser, APP);
  const page = await context.newPage();
  await page.goto(APP);
  await page.getByLabel('Add photos').waitFor({ state: 'attached' });
  const photos = photoFiles(SIZE.ingest);
  const files = photos.map((p, i) => ({ name: `${String(i).padStart(3, '0')}-${p.name}`, mimeType: 'image/jpeg', buffer: p.buffer ?? readFileSync(p.path!) }));
  const list = page.getByRole('list', { name: 'Collection' });
  log(`ingest: ${files.length} photos through "Add photos"`);
  const t0 = Date.now();
  await page.getByLabel('Add photos').setInputFiles(files);
  for (;;) {
    const count = await list.getByRole('listitem').count();
    const busy = await list.locator('[aria-busy="true"]').count();
    if (count >= files.length && busy === 0) break;
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`ingest did not finish: ${count} looks, ${busy} busy`);
    await page.waitForTimeout(100);
  }
  const ms = Date.now() - t0;
  // Bytes stored in IndexedDB, summed over every record (Blobs, typed arrays, and the JSON of the rest).
  // (In-page code is passed as text: tsx would otherwise wrap its inner functions in a __name helper.)
  const stored = (await page.evaluate(`(async () => {
    const open = () => new Promise((res, rej) => { const r = indexedDB.open('mirror'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const db = await open();
    const size = (v) => {
      if (v instanceof Blob) return v.size;
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v.byteLength;
      if (Array.isArray(v)) return v.reduce((a, x) => a + size(x), 0);
      if (v && typeof v === 'object') return Object.entries(v).reduce((a, [k, x]) => a + k.length + size(x), 0);
      return JSON.stringify(v ?? null).length;
    };
    const stores = {};
    let looks = 0;
    for (const name of Array.from(db.objectStoreNames)) {
      const all = await new Promise((res, rej) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      stores[name] = all.reduce((a, x) => a + size(x), 0);
      if (name === 'looks') looks = all.length;
    }
    db.close();
    return { stores, looks };
  })()`)) as { stores: Record<string, number>; looks: number };
  const total = Object.values(stored.stores).reduce((a, b) => a + b, 0);
  const perMin = files.length / (ms / 60_000);
  const warm = figures.find((f) => f.id === 'analysis.warm.wasm.p50_ms');
  figures.push({
    id: 'ingest.photos_per_min', label: `Ingest of a ${files.length}-photo batch through the UI ("Add photos" until no look is aria-busy), IndexedDB writes and a cold worker start included`, value: perMin, unit: 'photos/min',
    compared_to: warm ? compare(perMin, [{ name: 'warm analysis alone (60 000 / analysis p50)', value: 60_000 / warm.value }]) : undefined,
  });
  figures.push({ id: 'ingest.batch_ms', label: '  wall time of the batch', value: ms, unit: 'ms' });
  figures.push({ id: 'ingest.stored_bytes_per_photo', label: `  bytes stored in IndexedDB per photo (${Object.entries(stored.stores).map(([k, v]) => `${k} ${(v / stored.looks / 1000).toFixed(1)} kB`).join(', ')})`, value: total / stored.looks, unit: 'B' });
  await context.close();
}

/** In-page: performance.now() (ms since the navigation started) at the first frame where "Add photos" is an enabled input. */
const USABLE = `new Promise((resolve) => {
  const check = () => {
    const input = document.querySelector('input[aria-label="Add photos"]');
    if (input && !input.disabled && input.isConnected) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
})`;

async function startBench(browser: Browser): Promise<void> {
  const context = await newContext(browser, APP);
  const page = await context.newPage();
  const tti = async (): Promise<number> => {
    await page.reload({ waitUntil: 'commit' });
    // performance.now() in the page counts from the navigation's start.
    return page.evaluate(USABLE) as Promise<number>;
  };
  log('app start: first visit, then online and offline from the service worker');
  await page.goto(APP);
  const first = (await page.evaluate(USABLE)) as number;
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  for (let i = 0; i < 20 && !(await page.evaluate(() => !!navigator.serviceWorker.controller)); i++) await page.reload();
  const online: number[] = [];
  for (let i = 0; i < SIZE.startRuns + 1; i++) online.push(await tti());
  await context.setOffline(true);
  const offline: number[] = [];
  for (let i = 0; i < SIZE.startRuns + 1; i++) offline.push(await tti());
  const isolated = await page.evaluate(() => crossOriginIsolated);
  await context.setOffline(false);
  const off = stats(offline.slice(1));
  const on = stats(online.slice(1));
  figures.push({
    id: 'start.offline.tti_ms', label: `App start offline from the service worker cache to a usable "Add photos" (navigation start to enabled input; isolated: ${isolated})`, value: off.p50, p95: off.p95, samples: off.n, unit: 'ms', budget: { max: 1500 },
    compared_to: compare(off.p50, [{ name: 'online, service worker in control', value: on.p50 }, { name: 'first visit (network, no service worker)', value: first }]),
  });
  await context.close();
}

function staticFigures(): void {
  const files: string[] = [];
  const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
  walk(join(ROOT, 'dist'));
  const js = files.filter((f) => f.endsWith('.js'));
  const bytes = (fs: string[]) => fs.reduce((a, f) => a + statSync(f).size, 0);
  const gz = (fs: string[]) => fs.reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0);
  const page = js.filter((f) => !/worker|sw\.js$/.test(f));
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  figures.push({ id: 'app.js_bytes', label: `JavaScript in dist/ (${js.length} files: page, workers, service worker; no source maps)`, value: bytes(js) / 1e6, unit: 'MB', compared_to: [{ name: 'gzip', value: gz(js) / 1e6 }, { name: 'page only (gzip)', value: gz(page) / 1e6 }, { name: 'tfjs .wasm binaries', value: bytes(wasm) / 1e6 }] });
  const manifest = JSON.parse(readFileSync(join(ROOT, 'public/models/manifest.json'), 'utf8')) as { models: { name: string; app?: boolean; files: { bytes: number }[] }[] };
  // What the app downloads; entries with app: false are training bases, never fetched (src/features/offline/model-cache.ts).
  const per = manifest.models.filter((m) => m.app !== false).map((m) => ({ name: m.name, value: m.files.reduce((a, f) => a + f.bytes, 0) / 1e6 }));
  figures.push({ id: 'app.model_bytes', label: 'Model files the app downloads (public/models/manifest.json, app !== false)', value: per.reduce((a, m) => a + m.value, 0), unit: 'MB', budget: { max: 20 }, compared_to: per });
}

async function main(): Promise<void> {
  for (const [dir, what] of [['dist/index.html', 'npm run build'], ['bench/dist/bench/pages/bench.html', 'npx vite build --config bench/vite.config.ts']]) {
    if (!existsSync(join(ROOT, dir))) throw new Error(`${dir} is missing: run ${what} (npm run bench does both)`);
  }
  serve('app', PORT.app, []);
  serve('bench', PORT.bench, ['--config', 'bench/vite.config.ts']);
  serve('bench-plain', PORT.benchPlain, ['--config', 'bench/vite.config.ts'], { BENCH_ISOLATION: '0' });
  await Promise.all([waitFor(APP), waitFor(`http://localhost:${PORT.bench}/bench/pages/bench.html`), waitFor(`http://localhost:${PORT.benchPlain}/bench/pages/bench.html`)]);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: HEADLESS_ARGS });
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join('/');
  try {
    const parts: [string, () => Promise<void>][] = [
      ['webgpu', webgpuProbe],
      ['threads', () => threadsBench(browser)],
      ['analysis', () => analysisBench(browser)],
      ['search', () => searchBench(browser)],
      ['outfits', () => outfitsBench(browser)],
      ['ingest', () => ingestBench(browser)],
      ['start', () => startBench(browser)],
      ['static', async () => staticFigures()],
    ];
    for (const [name, run] of parts) {
      if (!want(name)) continue;
      try {
        await run();
      } catch (e) {
        log(`${name} failed:`, e);
        skipped.push({ what: name, why: `failed in this run: ${String(e instanceof Error ? e.message : e).split('\n')[0]}` });
      }
    }
    figures.push({ id: 'privacy.foreign_requests', label: 'Requests to any origin other than localhost during the whole run (libraries included)', value: foreign.length, unit: 'requests', budget: { max: 0 } });
    if (foreign.length) skipped.push({ what: 'privacy', why: `requests to other origins were made: ${[...new Set(foreign)].slice(0, 5).join(', ')}` });
    const results: Results = {
      environment: {
        cpu: cpus()[0]?.model ?? 'unknown CPU', cores: cpus().length, memoryGB: totalmem() / 2 ** 30, browser: `Chromium ${browser.version()}`,
        backend: environmentBackend, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), mode: QUICK ? 'quick' : 'full', load: `${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join('/')} at the end`,
        command: `npm run bench${QUICK ? ' -- --quick' : ''}${ONLY ? ` (only ${ONLY.join(',')})` : ''}`,
      },
      figures, skipped,
    };
    if (QUICK || ONLY) {
      // Quick and partial runs never replace the full run's committed figures.
      writeFileSync(join(ROOT, 'bench/results.quick.json'), resultsJson(results));
      log(`wrote bench/results.quick.json in ${((Date.now() - started) / 60_000).toFixed(1)} min (BENCHMARKS.md is written by full runs only)`);
    } else {
      writeFileSync(join(ROOT, 'bench/results.json'), resultsJson(results));
      const mdPath = join(ROOT, 'BENCHMARKS.md');
      const md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
      writeFileSync(mdPath, replaceTable(md, renderTable(results)));
      log(`wrote bench/results.json and BENCHMARKS.md in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    }
    console.log(renderTable(results));
  } finally {
    await browser.close();
    stopServers();
  }
}

main().catch((e) => {
  console.error(e);
  stopServers();
  process.exit(1);
});
