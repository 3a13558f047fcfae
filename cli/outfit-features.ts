/**
 * Garment features for the outfit scorer (Node): CCP items -> garment crops -> garment-net embeddings
 * (workers/models/garment-net, 128-d, L2-normalised: the `embedding` the app stores for every garment),
 * cached on disk once under .cache/outfit-features/ (features.bin: float32 rows of `dim`; index.json: one
 * entry per item with the rows, named colours and colour histograms of its two crops). The crops are
 * workers/models/outfit-scorer/crop.ts'; garment-net and the selfie segmenter are loaded from public/models.
 *
 * Two crops per garment: "mask" (everything but the garment's own pixels, the CCP label, is grey: the
 * crop the app embeds, where the garment's own mask is known) and "box" (the box, everything the selfie
 * model does not call person is grey: the crop of `score-outfits` for a box that is no annotated garment).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import type { Box, GarmentColour, RgbaImage } from '../common/types';
import { isCategory, type Category } from '../common/categories';
import * as backbone from '../workers/models/backbone';
import * as garmentNet from '../workers/models/garment-net';
import * as selfie from '../workers/models/selfie';
import { garmentInput, OUTFIT } from '../workers/models/outfit-scorer';
import { CROP, garmentCrop, type KeepTest } from '../workers/models/outfit-scorer/crop';
import type { Pool } from '../workers/models/outfit-scorer/train';
import { garmentColours, HISTOGRAM_SIZE } from '../workers/pipeline/colours';
import { DEFAULT_MODELS_DIR, fileHandler } from '../workers/node/fs-models';
import { ccpPhotoPath, readCcp, type CcpPhoto } from './datasets';
import { readImage } from './image';

/** Garments smaller than this many labelled pixels are left out (a stray earring pixel is no garment). */
export const MIN_ITEM_PIXELS = 200;
/** An outfit keeps at most this many garments (the largest ones). */
export const MAX_OUTFIT_ITEMS = 8;
/** Selfie person probability above which a pixel of a box crop is kept (0..1). */
export const PERSON_THRESHOLD = 0.5;
/** Bump when the crops or the garment model change: the cache is rebuilt. */
export const FEATURES_VERSION = 'outfit-features-7:crop-grey128-square224,garment-net-embed-l2,selfie-0.5,lookalike-mobilenet-v2-flatten_1-l2,dominant-colours-3,histogram-4';

export interface FeatureItem {
  photo: string;
  split: string;
  label: string;
  category: Category;
  box: Box;
  pixels: number;
  /** Row of the "mask" crop's vector in features.bin. */
  maskRow: number;
  /** Row of the "box" (person-cut) crop's vector. */
  boxRow: number;
  /**
   * Named dominant colours (workers/pipeline/colours.ts dominantColours, as the app stores for every
   * garment) of the garment's own pixels in its box (mask) and of the person pixels in its box (box).
   */
  maskColours: GarmentColour[];
  boxColours: GarmentColour[];
  /** colourHistogram of the same pixels (HISTOGRAM_SIZE shares), mask and box. */
  maskHistogram: number[];
  boxHistogram: number[];
}

export interface FeatureCache {
  version: string;
  dim: number;
  items: FeatureItem[];
  /** rows x dim, L2-normalised garment-net embeddings. */
  vectors: Float32Array;
  /**
   * items x lookalikeDim: the pipeline's MobileNetV2 backbone vector (flatten_1, L2-normalised) of each
   * item's mask crop. Not a model input: only the yardstick for the evaluation's "closest look-alike
   * from another photo" built independently of the features the scorers use (docs/outfits.md).
   */
  lookalikeDim: number;
  lookalike: Float32Array;
}

/** CCP label -> category, from categories.json's "ccp" map (ignored and non-garment labels have none). */
export async function ccpCategories(dataDir: string): Promise<Map<string, Category>> {
  const path = join(dirname(dataDir.replace(/\/+$/, '')), 'categories.json');
  const json = JSON.parse(await readFile(path, 'utf8')) as { ccp: Record<string, string[]> };
  const map = new Map<string, Category>();
  for (const [cat, labels] of Object.entries(json.ccp)) if (isCategory(cat)) for (const l of labels) map.set(l, cat);
  return map;
}

/** The outfit garments of a pixel-kind photo: known categories, big enough, the largest MAX_OUTFIT_ITEMS. */
export function outfitItems(photo: CcpPhoto, categories: Map<string, Category>) {
  return (photo.items ?? [])
    .filter((i) => categories.has(i.label) && i.pixels >= MIN_ITEM_PIXELS && i.box[2] >= 2 && i.box[3] >= 2)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, MAX_OUTFIT_ITEMS)
    .map((i) => ({ ...i, category: categories.get(i.label)! }));
}

export interface CropModels {
  garmentNet: garmentNet.GarmentNet;
  segmenter: selfie.Segmenter;
  dispose(): void;
}

export async function loadCropModels(modelsDir = DEFAULT_MODELS_DIR): Promise<CropModels> {
  const [net, seg] = await Promise.all([
    garmentNet.load({ source: fileHandler(join(modelsDir, 'trained/garment-net/model.json')) }),
    selfie.load(fileHandler(join(modelsDir, 'selfie/model.json'))),
  ]);
  return { garmentNet: net, segmenter: seg, dispose: () => (net.dispose(), seg.dispose()) };
}

/** The person test of a photo (selfie model on the letterboxed photo). */
export async function personTest(models: CropModels, image: RgbaImage): Promise<KeepTest> {
  const rgb = tf.tidy(() => {
    const rgba = tf.tensor3d(Uint8Array.from(image.data), [image.height, image.width, 4], 'int32');
    return tf.slice(rgba, [0, 0, 0], [image.height, image.width, 3]).toFloat() as tf.Tensor3D;
  });
  try {
    // Same lookup as the pipeline's maskLookup (nearest mask cell; outside the mask's square = not person).
    const { region, size, data } = await models.segmenter.segment(rgb);
    const scale = size / region.size;
    return (x, y) => {
      const u = Math.floor((x - region.x) * scale);
      const v = Math.floor((y - region.y) * scale);
      return u >= 0 && v >= 0 && u < size && v < size && data[v * size + u] >= PERSON_THRESHOLD;
    };
  } finally {
    rgb.dispose();
  }
}

/** garment-net embeddings (L2-normalised) and colours of crops of one photo: one model call. */
export async function embedCrops(models: CropModels, image: RgbaImage, crops: { box: Box; keep?: KeepTest }[]) {
  const s = CROP.size;
  const buf = new Float32Array(crops.length * s * s * 3);
  crops.forEach((c, i) => garmentCrop(image, c.box, c.keep, buf, i * s * s * 3));
  const batch = tf.tensor4d(buf, [crops.length, s, s, 3]);
  try {
    const vectors = await models.garmentNet.embed(batch);
    return crops.map((c, i) => ({ vector: vectors[i], ...garmentColours(image, c.box, c.keep) }));
  } finally {
    batch.dispose();
  }
}

/** The pipeline backbone's vectors (L2-normalised) of crops of one photo (look-alike yardstick only). */
async function backboneCrops(model: backbone.Backbone, image: RgbaImage, crops: { box: Box; keep?: KeepTest }[]): Promise<Float32Array[]> {
  const s = CROP.size;
  const buf = new Float32Array(crops.length * s * s * 3);
  crops.forEach((c, i) => garmentCrop(image, c.box, c.keep, buf, i * s * s * 3));
  const batch = tf.tensor4d(buf, [crops.length, s, s, 3]);
  try {
    return await model.embed(batch);
  } finally {
    batch.dispose();
  }
}

export async function readMask(dataDir: string, id: string): Promise<{ width: number; data: Uint8Array }> {
  const png = PNG.sync.read(await readFile(join(dataDir, 'masks', `${id}.png`)));
  // 8-bit grey PNGs decode to RGBA in pngjs: the label index is in every colour channel.
  const grey = new Uint8Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) grey[i] = png.data[i * 4];
  return { width: png.width, data: grey };
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

const cacheFiles = (dir: string) => ({ index: join(dir, 'index.json'), bin: join(dir, 'features.bin'), lookalike: join(dir, 'lookalike.bin') });

const floats = (bytes: Buffer) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

export async function readFeatureCache(dir: string): Promise<FeatureCache | null> {
  const f = cacheFiles(dir);
  if (!existsSync(f.index) || !existsSync(f.bin) || !existsSync(f.lookalike)) return null;
  const index = JSON.parse(await readFile(f.index, 'utf8')) as Omit<FeatureCache, 'vectors' | 'lookalike'>;
  if (index.version !== FEATURES_VERSION) return null;
  return { ...index, vectors: floats(await readFile(f.bin)), lookalike: floats(await readFile(f.lookalike)) };
}

/** Builds (or reads) the feature cache of every pixel-kind photo of `dataDir` in `cacheDir`. */
export async function featureCache(dataDir: string, cacheDir: string, log: (s: string) => void, modelsDir?: string): Promise<FeatureCache> {
  const cached = await readFeatureCache(cacheDir);
  if (cached) {
    log(`features: ${cached.items.length} garments from ${cacheDir}`);
    return cached;
  }
  const ann = await readCcp(dataDir);
  const categories = await ccpCategories(dataDir);
  const photos = ann.photos.filter((p) => p.kind === 'pixel');
  const models = await loadCropModels(modelsDir);
  const mobilenet = await backbone.load(fileHandler(join(modelsDir ?? DEFAULT_MODELS_DIR, 'mobilenet-v2/model.json')));
  const items: FeatureItem[] = [];
  const rows: Float32Array[] = [];
  const looks: Float32Array[] = [];
  const start = performance.now();
  try {
    let done = 0;
    for (const p of photos) {
      done++;
      const garments = outfitItems(p, categories);
      if (garments.length === 0) continue;
      let image: RgbaImage;
      let mask: { width: number; data: Uint8Array };
      try {
        image = await readImage(ccpPhotoPath(dataDir, p.id));
        mask = await readMask(dataDir, p.id);
      } catch (error) {
        log(`skipped ${p.id}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const person = await personTest(models, image);
      const crops = garments.flatMap((g) => {
        const value = ann.labels.indexOf(g.label);
        const own: KeepTest = (x, y) => mask.data[y * mask.width + x] === value;
        return [{ box: g.box, keep: own }, { box: g.box, keep: person }];
      });
      const out = await embedCrops(models, image, crops);
      const look = await backboneCrops(mobilenet, image, crops.filter((_, i) => i % 2 === 0));
      garments.forEach((g, i) => {
        items.push({
          photo: p.id, split: p.split, label: g.label, category: g.category, box: g.box, pixels: g.pixels,
          maskRow: rows.length, boxRow: rows.length + 1,
          maskColours: out[2 * i].colours, boxColours: out[2 * i + 1].colours,
          maskHistogram: out[2 * i].histogram.map(round4), boxHistogram: out[2 * i + 1].histogram.map(round4),
        });
        rows.push(out[2 * i].vector, out[2 * i + 1].vector);
        looks.push(look[i]);
      });
      if (done % 25 === 0 || done === photos.length) log(`features ${done}/${photos.length} photos, ${items.length} garments, ${((performance.now() - start) / 1000).toFixed(0)} s`);
    }
  } finally {
    models.dispose();
    mobilenet.dispose();
  }
  const dim = rows[0]?.length ?? 0;
  const lookalikeDim = looks[0]?.length ?? 0;
  const lookalike = new Float32Array(looks.length * lookalikeDim);
  looks.forEach((r, i) => lookalike.set(r, i * lookalikeDim));
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => vectors.set(r, i * dim));
  await mkdir(cacheDir, { recursive: true });
  const f = cacheFiles(cacheDir);
  await writeFile(f.bin, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  await writeFile(f.lookalike, Buffer.from(lookalike.buffer, lookalike.byteOffset, lookalike.byteLength));
  await writeFile(f.index, JSON.stringify({ version: FEATURES_VERSION, dim, lookalikeDim, items }));
  return { version: FEATURES_VERSION, dim, items, vectors, lookalikeDim, lookalike };
}

/**
 * The garments of one split, each crop's row the model input (garmentInput). `colour` false (experiments
 * only: the app's garmentInput always has the colour) gives every garment the same neutral colour.
 */
export function poolOf(cache: FeatureCache, split: string, colour = true): Pool {
  const garments: Pool['garments'] = [];
  const outfits = new Map<string, number[]>();
  const inputs: Float32Array[] = [];
  const yardstick: number[] = [];
  const row = (r: number, colours: FeatureItem['maskColours'], histogram: number[]) => {
    inputs.push(garmentInput(cache.vectors.subarray(r * cache.dim, (r + 1) * cache.dim), colour ? colours : [], colour ? histogram : histogram.map(() => 0)));
    return inputs.length - 1;
  };
  cache.items.forEach((it, i) => {
    if (it.split !== split) return;
    yardstick.push(i);
    outfits.set(it.photo, [...(outfits.get(it.photo) ?? []), garments.length]);
    // Each crop with its own named colours, as the app (mask crop) and score-outfits (box crop) compute them.
    garments.push({ photo: it.photo, category: it.category, rows: [row(it.maskRow, it.maskColours, it.maskHistogram), row(it.boxRow, it.boxColours, it.boxHistogram)] });
  });
  const d = cache.lookalikeDim;
  const look = new Float32Array(yardstick.length * d);
  yardstick.forEach((i, j) => look.set(cache.lookalike.subarray(i * d, (i + 1) * d), j * d));
  // The colour measure: each mask crop's histogram as a unit vector (the square roots of its shares).
  const h = HISTOGRAM_SIZE;
  const hist = new Float32Array(yardstick.length * h);
  yardstick.forEach((i, j) => cache.items[i].maskHistogram.forEach((v, k) => (hist[j * h + k] = Math.sqrt(v))));
  const vectors = new Float32Array(inputs.length * OUTFIT.inputDim);
  inputs.forEach((v, i) => vectors.set(v, i * OUTFIT.inputDim));
  return { dim: OUTFIT.inputDim, vectors, garments, outfits: [...outfits.values()], yardstick: { dim: d, vectors: look }, colour: { dim: h, vectors: hist } };
}
