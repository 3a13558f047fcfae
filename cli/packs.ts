/**
 * The CLI's pack commands, on the app's own pipeline (workers/pipeline in Node, WASM backend):
 *
 *   build-pack --images DIR --products CSV --out DIR [--id ID --title T --publisher P --version N]
 *   build-pack --data ../shared/data/clothing [--split NAME] [--limit N] --out DIR [...]
 *   related    --pack DIR --data ../shared/data/ccp --split NAME --out FILE [--limit N]
 *
 * build-pack writes the files of docs/packs.md and then reads the pack back through the app's own
 * checker (verifyPack); related runs the app's own matching (common/pack-match.ts) on every garment the
 * pipeline detects.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Category } from '../common/categories';
import { isCategory } from '../common/categories';
import { EMBEDDING_DIM, THUMB_LONG_SIDE } from '../common/constants';
import {
  EMBEDDINGS_FILE, IMAGES_DIR, MANIFEST_FILE, PRODUCTS_FILE, PackError, makeManifest, packHistogram, parseProducts, quantise, verifyPack,
  type PackManifest, type Product, type VerifiedPack,
} from '../common/pack-format';
import { relatedProducts, RELATED_K } from '../common/pack-match';
import type { Box, RgbaImage } from '../common/types';
import type { Analyzer } from '../workers/pipeline';
import { ccpPhotoPath, clothingImagePath, readClothing, type CcpPhoto } from './datasets';
import { readImage } from './image';

type Log = (s: string) => void;

/** Parses CSV (RFC 4180: quoted fields may hold commas, quotes as "" and newlines). First row: header. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header, ...body] = rows;
  if (!header) return [];
  const cols = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  return body.map((r) => Object.fromEntries(cols.map((c, i) => [c, (r[i] ?? '').trim()])));
}

/** Downscales (area average) so the long side is at most `long` pixels. */
export function downscale(image: RgbaImage, long: number): RgbaImage {
  const scale = Math.min(1, long / Math.max(image.width, image.height));
  if (scale === 1) return image;
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y / scale);
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.floor((y + 1) / scale)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / scale);
      const x1 = Math.max(x0 + 1, Math.min(image.width, Math.floor((x + 1) / scale)));
      const sum = [0, 0, 0];
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * image.width + xx) * 4;
          sum[0] += image.data[i];
          sum[1] += image.data[i + 1];
          sum[2] += image.data[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * w + x) * 4;
      out[o] = sum[0] / n;
      out[o + 1] = sum[1] / n;
      out[o + 2] = sum[2] / n;
      out[o + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

export interface ProductInput {
  product: Product;
  /** The product photo on disk (embedded and made into the pack's thumbnail). */
  imagePath: string;
}

/** Reads a products CSV (id,title,brand,price,currency,url,category,type,image; image relative to imagesDir). */
export async function productsFromCsv(csvPath: string, imagesDir: string): Promise<ProductInput[]> {
  const rows = parseCsv(await readFile(csvPath, 'utf8'));
  return rows.map((r, i) => {
    const where = `${basename(csvPath)} row ${i + 2}`;
    if (!r.image) throw new Error(`${where}: image is empty`);
    if (!isCategory(r.category)) throw new Error(`${where}: category "${r.category}" is not one of Mirror's categories`);
    const price = r.price === undefined || r.price === '' ? undefined : Number(r.price);
    if (price !== undefined && !Number.isFinite(price)) throw new Error(`${where}: price "${r.price}" is not a number`);
    const product: Product = { id: r.id, title: r.title, category: r.category };
    if (r.brand) product.brand = r.brand;
    if (price !== undefined) product.price = price;
    if (r.currency) product.currency = r.currency;
    if (r.url) product.url = r.url;
    if (r.type) product.type = r.type;
    return { product, imagePath: join(imagesDir, r.image) };
  });
}

/** Products from the clothing data set (images.csv): id = image uuid, category from categories.json. */
export async function productsFromClothing(dataDir: string, categoriesPath: string, split?: string, limit?: number): Promise<ProductInput[]> {
  const categories = JSON.parse(await readFile(categoriesPath, 'utf8')) as { clothing: Record<string, string[]> };
  const toCategory = new Map<string, Category>();
  for (const [category, labels] of Object.entries(categories.clothing)) {
    if (isCategory(category)) for (const l of labels) toCategory.set(l, category);
  }
  const rows = (await readClothing(dataDir)).filter((r) => !split || r.split === split).filter((r) => toCategory.has(r.label));
  return rows.slice(0, limit ?? rows.length).map((r) => ({
    product: { id: r.image, title: r.label, category: toCategory.get(r.label)!, type: r.label },
    imagePath: clothingImagePath(dataDir, r.image),
  }));
}

/** A file name for a product's thumbnail: its id made path-safe, unique in the pack. */
function thumbName(id: string, used: Set<string>): string {
  const base = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]/, '_').slice(0, 100) || 'product';
  let name = `${base}.jpg`;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}.jpg`;
  used.add(name);
  return name;
}

export interface BuildOptions {
  out: string;
  id: string;
  title: string;
  publisher: string;
  version: number;
  modelVersion: string;
}

/** Embeds every product photo, writes the pack, and reads it back through verifyPack. */
export async function buildPack(inputs: ProductInput[], analyzer: Analyzer, opts: BuildOptions, log: Log): Promise<VerifiedPack> {
  const products: Product[] = [];
  const vectors: Float32Array[] = [];
  const files = new Map<string, Uint8Array>();
  const used = new Set<string>();
  const ids = new Set<string>();
  let done = 0;
  for (const { product, imagePath } of inputs) {
    done++;
    if (ids.has(product.id)) {
      log(`skipped ${product.id}: duplicate id`);
      continue;
    }
    let image: RgbaImage;
    try {
      image = await readImage(imagePath);
    } catch (e) {
      log(`skipped ${product.id} (${imagePath}): ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    ids.add(product.id);
    const { embedding, histogram } = await analyzer.embedImage(image);
    vectors.push(embedding);
    const thumb = downscale(image, THUMB_LONG_SIDE);
    const path = `${IMAGES_DIR}${thumbName(product.id, used)}`;
    files.set(path, new Uint8Array(jpeg.encode({ data: Buffer.from(thumb.data), width: thumb.width, height: thumb.height }, 85).data));
    products.push({ ...product, image: path, histogram: packHistogram(histogram) });
    if (done % 50 === 0 || done === inputs.length) log(`build-pack ${done}/${inputs.length}`);
  }
  const productsBytes = new TextEncoder().encode(`${JSON.stringify({ products }, null, 1)}\n`);
  files.set(PRODUCTS_FILE, productsBytes);
  files.set(EMBEDDINGS_FILE, quantise(vectors, EMBEDDING_DIM));
  const manifest: PackManifest = await makeManifest(
    { id: opts.id, version: opts.version, title: opts.title, publisher: opts.publisher },
    { dim: EMBEDDING_DIM, count: products.length, modelVersion: opts.modelVersion },
    files,
  );
  // The products are checked by the app's own rules before anything is written.
  parseProducts(productsBytes, manifest);
  await mkdir(join(opts.out, IMAGES_DIR), { recursive: true });
  for (const [path, data] of files) await writeFile(join(opts.out, path), data);
  await writeFile(join(opts.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return readPackDir(opts.out);
}

/** Reads and verifies a pack folder with the app's checker. */
export async function readPackDir(dir: string): Promise<VerifiedPack> {
  const manifest = await readFile(join(dir, MANIFEST_FILE)).catch(() => {
    throw new PackError(MANIFEST_FILE, '', `was not found in ${dir}`);
  });
  return verifyPack(new Uint8Array(manifest), async (path, declared) => {
    const data = await readFile(join(dir, path)).catch(() => undefined);
    if (data && data.length > declared) throw new PackError(path, '', `has ${data.length} bytes; pack.json says ${declared}`);
    return data && new Uint8Array(data);
  }, { dim: EMBEDDING_DIM });
}

export interface RelatedOutput {
  modelVersion: string;
  pack: { id: string; version: number };
  photos: Record<string, { items: { category: Category; box: Box; products: string[] }[] }>;
}

/** Shop the look for every garment detected in each photo, with the app's matching. */
export async function relatedForPhotos(pack: VerifiedPack, photos: CcpPhoto[], dataDir: string, analyzer: Analyzer, modelVersion: string, log: Log): Promise<RelatedOutput> {
  const { manifest } = pack;
  if (manifest.embeddings.modelVersion !== modelVersion) {
    throw new Error(`the pack's vectors were made by model "${manifest.embeddings.modelVersion}", not this one ("${modelVersion}"): rebuild the pack with build-pack`);
  }
  const catalog = { id: manifest.id, dim: manifest.embeddings.dim, modelVersion, products: pack.products, vectors: pack.vectors };
  const out: RelatedOutput = { modelVersion, pack: { id: manifest.id, version: manifest.version }, photos: {} };
  let done = 0;
  for (const p of photos) {
    done++;
    let image: RgbaImage;
    try {
      image = await readImage(ccpPhotoPath(dataDir, p.id));
    } catch (e) {
      log(`skipped ${p.id}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const analysis = await analyzer.analyze(image);
    out.photos[p.id] = {
      items: analysis.garments.map((g) => ({
        category: g.category,
        box: g.box,
        products: relatedProducts({ category: g.category, vector: g.embedding, histogram: g.histogram, modelVersion: analysis.modelVersion }, [catalog], RELATED_K).matches.map((m) => m.productId),
      })),
    };
    if (done % 10 === 0 || done === photos.length) log(`related ${done}/${photos.length}`);
  }
  return out;
}
