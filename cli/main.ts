/**
 * Mirror's command line: the same analysis as the app's vision worker, on the WASM backend in Node.
 *
 *   npm run --silent cli -- analyze  --data DIR --split NAME --out FILE [--limit N] [--all-garments]
 *   npm run --silent cli -- embed    --data DIR --split NAME --out FILE [--limit N]
 *   npm run --silent cli -- evaluate --data DIR --split NAME --pred FILE [--categories FILE]
 *   npm run --silent cli -- timing   --data DIR [--limit N]
 *   npm run --silent cli -- score-outfits --data DIR --outfits FILE --model teacher|student --out FILE [--no-masks]
 *   npm run --silent cli -- build-pack --images DIR --products CSV --out DIR   (or --data clothing-dir [--split NAME])
 *   npm run --silent cli -- related --pack DIR --data DIR --split NAME --out FILE
 *   npm run --silent cli -- classify --data DIR --split NAME --out FILE [--limit N] [--vectors FILE]
 *
 * Results go to --out (or stdout for evaluate); progress and per-file problems go to stderr only.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RgbaImage } from '../common/types';
import { EMBEDDING_DIM } from '../common/constants';
import { createAnalyzer, MODEL_VERSION } from '../workers/pipeline';
import { nodeBackend, nodeModels } from '../workers/node/runtime';
import { ccpPhotoPath, clothingImagePath, readCcp, readClothing, type CcpPhoto } from './datasets';
import { bootstrapMacro, formatInterval, formatScores, labelMap, macro, REPORTED_COVER, reportedGarments, SCORED, scorePhotos } from './evaluate';
import { readImage } from './image';
import { scoreOutfits } from './score-outfits';
import { buildPack, productsFromClothing, productsFromCsv, readPackDir, relatedForPhotos } from './packs';
import { classifyClothing } from './classify';

const USAGE = `usage: npm run --silent cli -- <command> [options]
  analyze  --data DIR --split NAME --out FILE [--limit N] [--all-garments]   garment boxes per CCP photo (JSON); garments
           under 1.2% of the photo (too small for the issue's scoring) only with --all-garments
  embed    --data DIR --split NAME --out FILE [--limit N]   look vectors (CCP) or item vectors (clothing images.csv)
  evaluate --data DIR --split NAME --pred FILE [--categories FILE]   recall/precision of analyze's boxes
  timing   --data DIR [--limit N]                                      per-model, total and CPU ms on CCP photos
  score-outfits --data DIR --outfits FILE --model teacher|student --out FILE [--no-masks]   outfit compatibility 0..1
  build-pack --images DIR --products CSV --out DIR [--id ID --title T --publisher P --pack-version N]   catalog pack (docs/packs.md)
  build-pack --data CLOTHING_DIR [--split NAME] [--limit N] --out DIR [...]                         catalog pack from images.csv
  related  --pack DIR --data DIR --split NAME --out FILE [--limit N]   related products per detected garment (JSON)
  classify --data DIR --split NAME --out FILE [--limit N] [--vectors FILE]   garment type per clothing image (trained garment-net)
options: --backend wasm|cpu (default wasm), --models DIR (default public/models)`;

const log = (s: string) => process.stderr.write(`${s}\n`);

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function required(values: Record<string, unknown>, ...names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
}

class UsageError extends Error {}

async function setup(values: { backend?: string; models?: string }) {
  const info = await nodeBackend((values.backend ?? 'wasm') as 'wasm');
  log(`backend: ${info.reason}`);
  const models = await nodeModels(values.models);
  return { analyzer: createAnalyzer(models), models };
}

/** Loads an image, or says which file failed and returns null so the run goes on. */
async function tryRead(path: string): Promise<RgbaImage | null> {
  try {
    return await readImage(path);
  } catch (error) {
    log(`skipped ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function splitPhotos(photos: CcpPhoto[], split: string, limit?: string): CcpPhoto[] {
  const chosen = photos.filter((p) => p.split === split);
  if (chosen.length === 0) log(`no photos in split "${split}"`);
  return limit ? chosen.slice(0, Number(limit)) : chosen;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, pred: { type: 'string' },
      limit: { type: 'string' }, cache: { type: 'string' }, categories: { type: 'string' },
      backend: { type: 'string' }, models: { type: 'string' }, outfits: { type: 'string' }, model: { type: 'string' },
      images: { type: 'string' }, products: { type: 'string' }, pack: { type: 'string' }, id: { type: 'string' },
      title: { type: 'string' }, publisher: { type: 'string' }, 'pack-version': { type: 'string' },
      vectors: { type: 'string' }, 'no-masks': { type: 'boolean' }, 'all-garments': { type: 'boolean' },
    },
    strict: true,
  });
  if (command === 'analyze') {
    required(values, 'data', 'split', 'out');
    const ann = await readCcp(values.data!);
    const photos = splitPhotos(ann.photos, values.split!, values.limit);
    const { analyzer } = await setup(values);
    const out: Record<string, { items: { category: string; box: number[]; score: number; cover: number; colours: string[] }[] }> = {};
    const minCover = values['all-garments'] ? 0 : REPORTED_COVER;
    let done = 0;
    let small = 0;
    for (const p of photos) {
      const image = await tryRead(ccpPhotoPath(values.data!, p.id));
      done++;
      if (!image) continue;
      const a = await analyzer.analyze(image);
      const reported = reportedGarments(a.garments, minCover);
      small += a.garments.length - reported.length;
      out[p.id] = { items: reported.map((g) => ({ category: g.category, box: g.box.map((v) => round(v)), score: g.score, cover: g.cover ?? 1, colours: g.colours.map((c) => c.name) })) };
      if (done % 10 === 0 || done === photos.length) log(`analyze ${done}/${photos.length}`);
    }
    if (small) log(`${small} garments under ${REPORTED_COVER * 100}% of their photo left out (--all-garments writes them)`);
    await writeFile(values.out!, JSON.stringify({ modelVersion: MODEL_VERSION, photos: out }));
  } else if (command === 'embed') {
    required(values, 'data', 'split', 'out');
    const { analyzer } = await setup(values);
    const vectors: Record<string, number[]> = {};
    const keep = (id: string, v: Float32Array) => {
      vectors[id] = Array.from(v, (x) => round(x, 6));
    };
    if (existsSync(join(values.data!, 'annotations.json'))) {
      const ann = await readCcp(values.data!);
      const photos = splitPhotos(ann.photos, values.split!, values.limit);
      let done = 0;
      for (const p of photos) {
        const image = await tryRead(ccpPhotoPath(values.data!, p.id));
        done++;
        if (image) keep(p.id, (await analyzer.analyze(image)).lookEmbedding);
        if (done % 10 === 0 || done === photos.length) log(`embed ${done}/${photos.length}`);
      }
    } else if (existsSync(join(values.data!, 'images.csv'))) {
      const rows = (await readClothing(values.data!)).filter((r) => r.split === values.split);
      const chosen = values.limit ? rows.slice(0, Number(values.limit)) : rows;
      if (chosen.length === 0) log(`no images in split "${values.split}"`);
      let done = 0;
      for (const r of chosen) {
        const image = await tryRead(clothingImagePath(values.data!, r.image));
        done++;
        if (image) keep(r.image, (await analyzer.embedImage(image)).embedding);
        if (done % 50 === 0 || done === chosen.length) log(`embed ${done}/${chosen.length}`);
      }
    } else {
      throw new UsageError(`${values.data} has neither annotations.json (CCP) nor images.csv (clothing)`);
    }
    await writeFile(values.out!, JSON.stringify({ dim: EMBEDDING_DIM, modelVersion: MODEL_VERSION, vectors }));
  } else if (command === 'evaluate') {
    required(values, 'data', 'split', 'pred');
    const ann = await readCcp(values.data!);
    const photos = splitPhotos(ann.photos, values.split!).filter((p) => p.kind === 'pixel');
    const catPath = values.categories ?? join(dirname(values.data!.replace(/\/+$/, '')), 'categories.json');
    if (!existsSync(catPath)) throw new UsageError(`evaluate needs the label map: ${catPath} does not exist (give it with --categories FILE)`);
    const labels = labelMap(JSON.parse(await readFile(catPath, 'utf8')));
    const pred = JSON.parse(await readFile(values.pred!, 'utf8')) as { photos: Record<string, { items: { category: string; box: [number, number, number, number] }[] }> };
    const scores = scorePhotos(photos, pred.photos, labels);
    const byArea = macro(scorePhotos(photos, pred.photos, labels, { reading: 'area' }));
    const bySmall = macro(scorePhotos(photos, pred.photos, labels, { small: 'absent' }));
    const f = (m: { recall: number; precision: number }) => `recall ${m.recall.toFixed(3)} precision ${m.precision.toFixed(3)}`;
    process.stdout.write(`${formatScores(scores)}\n(${photos.length} pixel-annotated photos in ${values.split}; IoU >= 0.5 of per-category union boxes; categories covering >= 1% of the photo)\n`
      + `macro over ${SCORED.join(', ')}: ${f(macro(scores))}\n`
      + `the same with each category's boxes as the area they cover (not their union box): ${f(byArea)}\n`
      + `the same with a category under 1% of the photo taken as absent (a prediction there a false positive): ${f(bySmall)}\n`
      + `${formatInterval(bootstrapMacro(photos, pred.photos, labels), photos.length)}\n`);
  } else if (command === 'timing') {
    required(values, 'data');
    const ann = await readCcp(values.data!);
    const photos = ann.photos.slice(0, values.limit ? Number(values.limit) : 10);
    const { analyzer } = await setup(values);
    const sums: Record<string, number[]> = {};
    let first = true;
    for (const p of photos) {
      const image = await tryRead(ccpPhotoPath(values.data!, p.id));
      if (!image) continue;
      const cpu = process.cpuUsage();
      const a = await analyzer.analyze(image);
      // CPU time of this process: on a shared machine it is what the wall time would be without the other
      // processes (the WASM backend runs on this one thread in Node).
      const used = process.cpuUsage(cpu);
      a.timings.cpu = (used.user + used.system) / 1000;
      if (first) {
        first = false; // the first call compiles kernels and allocates: warm-up, not counted
        continue;
      }
      for (const [k, v] of Object.entries(a.timings)) (sums[k] ??= []).push(v);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const [k, v] of Object.entries(sums)) process.stdout.write(`${k.padEnd(10)} median ${median(v).toFixed(0)} ms  mean ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(0)} ms  (n=${v.length})\n`);
  } else if (command === 'score-outfits') {
    required(values, 'data', 'outfits', 'model', 'out');
    const info = await nodeBackend((values.backend ?? 'wasm') as 'wasm');
    log(`backend: ${info.reason}`);
    await scoreOutfits({ data: values.data!, outfits: values.outfits!, model: values.model!, out: values.out!, models: values.models, cache: values.cache, masks: !values['no-masks'] }, log);
  } else if (command === 'build-pack') {
    required(values, 'out');
    if (!values.data && !(values.images && values.products)) throw new UsageError('build-pack needs --images and --products, or --data (clothing images.csv)');
    const catPath = values.categories ?? join(dirname((values.data ?? '.').replace(/\/+$/, '')), 'categories.json');
    const inputs = values.data
      ? await productsFromClothing(values.data, catPath, values.split, values.limit ? Number(values.limit) : undefined)
      : await productsFromCsv(values.products!, values.images!);
    const id = values.id ?? (basename(values.out!.replace(/\/+$/, '')).toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'catalog');
    const { analyzer } = await setup(values);
    const pack = await buildPack(inputs, analyzer, {
      out: values.out!, id, title: values.title ?? id, publisher: values.publisher ?? 'Mirror CLI',
      version: Number(values['pack-version'] ?? 1), modelVersion: MODEL_VERSION,
    }, log);
    log(`wrote ${values.out}: ${pack.products.length} products, ${pack.bytes} bytes, verified`);
  } else if (command === 'related') {
    required(values, 'pack', 'data', 'split', 'out');
    const pack = await readPackDir(values.pack!);
    const ann = await readCcp(values.data!);
    const photos = splitPhotos(ann.photos, values.split!, values.limit);
    const { analyzer } = await setup(values);
    const out = await relatedForPhotos(pack, photos, values.data!, analyzer, MODEL_VERSION, log);
    await writeFile(values.out!, JSON.stringify(out));
  } else if (command === 'classify') {
    required(values, 'data', 'split', 'out');
    const info = await nodeBackend((values.backend ?? 'wasm') as 'wasm');
    log(`backend: ${info.reason}`);
    await classifyClothing({ data: values.data!, split: values.split!, out: values.out!, vectors: values.vectors, limit: values.limit ? Number(values.limit) : undefined, models: values.models }, log);
  } else {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) log(`${(error as Error).message}\n${USAGE}`);
    else log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
