/**
 * Mirror packs: the static, versioned file format for catalogs of related products and for lookbooks,
 * and the ONE checker of a pack, shared by the page (add by URL or from files) and the CLI (build-pack
 * writes, related reads). DOM-free and tfjs-free: it runs on the page, in workers and in Node.
 *
 * A pack is hostile until verifyPack has accepted it: every check below runs before anything is stored,
 * and a failure names the file and the field (PackError). The format is documented in docs/packs.md.
 *
 *   pack.json        manifest (PackManifest), read first, at most MAX_MANIFEST_BYTES
 *   products.json    { "products": Product[] }, in the same order as the vectors
 *   embeddings.bin   count × float32 little-endian scales, then count × dim int8 components:
 *                    product i's vector ≈ q[i * dim + j] * scale[i] (see quantise / dequantise)
 *   images/…         product thumbnails (JPEG, PNG or WebP)
 *
 * A lookbook (kind "lookbook") has looks.json ({ "looks": LookbookLook[] }) and photos/… instead of
 * products.json and images/…; its vectors are each look's look vector followed by its garments' vectors.
 *
 * Schema checks are written out by hand rather than with a JSON-schema library: the usual one (ajv)
 * compiles validators with `new Function`, and the messages here name the pack's file and field exactly.
 */
import { CATEGORIES, isCategory, type Category } from './categories';
import { HISTOGRAM_SIZE } from './constants';

export const PACK_FORMAT = 'mirror-pack';
/** Version of this file format (not of a pack): a reader refuses a formatVersion it does not know. */
export const PACK_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'pack.json';
export const PRODUCTS_FILE = 'products.json';
export const EMBEDDINGS_FILE = 'embeddings.bin';
export const IMAGES_DIR = 'images/';
export const LOOKS_FILE = 'looks.json';
export const PHOTOS_DIR = 'photos/';
export const EMBEDDING_ENCODING = 'int8-scale-f32le';

export type PackKind = 'catalog' | 'lookbook';

/** What each kind of pack holds besides pack.json and embeddings.bin: its list file and its picture folder. */
export const PACK_KINDS: Record<PackKind, { list: string; pictures: string }> = {
  catalog: { list: PRODUCTS_FILE, pictures: IMAGES_DIR },
  lookbook: { list: LOOKS_FILE, pictures: PHOTOS_DIR },
};

/** Limits that bound what a hostile pack can make Mirror read, hash and store. */
export const PACK_LIMITS = {
  /** pack.json (bytes). */
  manifestBytes: 2 * 1024 * 1024,
  /** products.json (bytes). */
  productsBytes: 16 * 1024 * 1024,
  /** One product image (bytes). */
  imageBytes: 2 * 1024 * 1024,
  /** One lookbook photo (bytes). */
  photoBytes: 8 * 1024 * 1024,
  /** Looks in one lookbook. */
  looks: 2_000,
  /** Garments of one look. */
  garmentsPerLook: 16,
  /** Every file of the pack together (bytes). */
  totalBytes: 256 * 1024 * 1024,
  /** Products in one pack. */
  products: 20_000,
  /** Files listed in the manifest (products.json, embeddings.bin and the images). */
  files: 20_002,
  /** Vector dimension (the app's own is EMBEDDING_DIM; this only bounds what is parsed). */
  dim: 4096,
  /** Characters of a title, publisher, brand or product title. */
  text: 200,
  /** Characters of an id. */
  id: 128,
  /** Characters of a URL. */
  url: 2048,
  /** Characters of a file path. */
  path: 200,
} as const;

export interface PackFileEntry {
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
  bytes: number;
}

export interface PackEmbeddings {
  dim: number;
  count: number;
  encoding: typeof EMBEDDING_ENCODING;
  /** The app's MODEL_VERSION that made the vectors; vectors of another model are not comparable. */
  modelVersion: string;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  formatVersion: number;
  kind: PackKind;
  /** Stable identity: a newer version of the same id replaces the installed one. */
  id: string;
  /** Positive integer; larger is newer. */
  version: number;
  title: string;
  publisher: string;
  /** ISO 8601 date-time. */
  created: string;
  embeddings: PackEmbeddings;
  /** Every other file of the pack, by path relative to pack.json. */
  files: Record<string, PackFileEntry>;
}

export interface Product {
  id: string;
  title: string;
  brand?: string;
  /** In `currency` units (for example 19.99). */
  price?: number;
  /** ISO 4217 code, required with a price. */
  currency?: string;
  /** http(s) only. */
  url?: string;
  category: Category;
  /** Finer label (for example "T-Shirt"). */
  type?: string;
  /** Path of the thumbnail in the pack (under images/). */
  image?: string;
  /**
   * Colour histogram of the product's garment (HISTOGRAM_SIZE shares summing to 1, as the app stores for its own
   * garments): Shop the look ranks by it beside the item vector (common/pack-match.ts). `build-pack` measures it on
   * the product photo with its background left out (workers/pipeline/colours.ts productColours).
   */
  histogram?: number[];
}

/** A garment of a shared look: what the Photo view shows of it. */
export interface LookbookGarment {
  category: Category;
  /** [x, y, w, h] in the photo's pixels. */
  box: [number, number, number, number];
  colours: string[];
  /** The garment's colour histogram, as for a product (Similar items ranks followed garments by it too). */
  histogram?: number[];
}

/** Whether a value is a colour histogram as packs carry it: HISTOGRAM_SIZE shares from 0 to 1 summing to 1 (within 0.01). */
function isPackHistogram(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length !== HISTOGRAM_SIZE || !value.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) return false;
  return Math.abs(value.reduce((a: number, v: number) => a + v, 0) - 1) <= 0.01;
}

/**
 * A garment's colour histogram as a pack carries it (products.json, looks.json): its shares rounded to 4 decimals;
 * undefined where there is none to carry (absent, or all zeros: a garment with no pixels measured).
 */
export function packHistogram(histogram: readonly number[] | undefined): number[] | undefined {
  const rounded = histogram?.map((v) => Math.round(v * 1e4) / 1e4);
  return isPackHistogram(rounded) ? rounded : undefined;
}

/**
 * A look of a lookbook. Its vectors in embeddings.bin: the look vector, then one per garment, in order;
 * looks follow each other, so count = sum over looks of (1 + garments).
 */
export interface LookbookLook {
  id: string;
  caption: string;
  tags: string[];
  /** ISO 8601 date-time the photo was taken (or added). */
  takenAt: string;
  /** Path of the photo in the pack (under photos/). */
  photo: string;
  width: number;
  height: number;
  garments: LookbookGarment[];
}

/** A pack after every check: parsed, hashed, and with its vectors as typed arrays. */
export interface VerifiedPack {
  manifest: PackManifest;
  /** Catalog packs; [] for a lookbook. */
  products: Product[];
  /** Lookbooks; [] for a catalog. */
  looks: LookbookLook[];
  /** count scales (float32). */
  scales: Float32Array;
  /** count × dim int8 components. */
  vectors: Int8Array;
  /** Picture bytes by path (images/ or photos/; only paths listed in the manifest). */
  images: Map<string, Uint8Array>;
  /** Bytes of every file, pack.json included. */
  bytes: number;
}

/** A refusal: which file, which field, what is wrong. */
export class PackError extends Error {
  override name = 'PackError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${file}: ${field} ${problem}` : `${file}: ${problem}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Field checks

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `<` followed by a letter, `/`, `!` or `?` starts markup; "<3" and "a < b" do not. */
const MARKUP = /<[a-zA-Z/!?]/;
// Pack text is one line: no control characters (newlines, escapes, NUL) at all.
const CONTROL = /[\u0000-\u001f\u007f]/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const PACK_ID = /^[a-z0-9][a-z0-9._-]*$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const IMAGE_EXT = /\.(jpe?g|png|webp)$/i;

class Fields {
  constructor(
    private readonly file: string,
    private readonly prefix: string,
    private readonly obj: Obj,
  ) {}

  fail(field: string, problem: string): never {
    throw new PackError(this.file, `${this.prefix}${field}`, problem);
  }

  text(field: string, opts: { max?: number; optional?: boolean; pattern?: RegExp; patternText?: string } = {}): string | undefined {
    const v = this.obj[field];
    if (v === undefined && opts.optional) return undefined;
    if (typeof v !== 'string') this.fail(field, v === undefined ? 'is missing' : 'must be a string');
    const max = opts.max ?? PACK_LIMITS.text;
    if (v.trim() === '' && !opts.optional) this.fail(field, 'is empty');
    if (v.length > max) this.fail(field, `is longer than ${max} characters`);
    if (CONTROL.test(v)) this.fail(field, 'contains control characters');
    const markup = MARKUP.exec(v);
    if (markup) this.fail(field, `contains markup ("${v.slice(markup.index, markup.index + 12)}"); pack text is shown as plain text only`);
    if (opts.pattern && !opts.pattern.test(v)) this.fail(field, opts.patternText ?? 'has a bad format');
    return v;
  }

  req(field: string, opts: Parameters<Fields['text']>[1] = {}): string {
    return this.text(field, { ...opts, optional: false })!;
  }

  histogram(field = 'histogram'): number[] {
    const value = this.obj[field];
    if (!isPackHistogram(value)) this.fail(field, `must be ${HISTOGRAM_SIZE} shares from 0 to 1 that sum to 1`);
    return value;
  }

  int(field: string, min: number, max: number): number {
    const v = this.obj[field];
    if (v === undefined) this.fail(field, 'is missing');
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(field, 'must be an integer');
    if (v < min || v > max) this.fail(field, `must be between ${min} and ${max} (got ${v})`);
    return v;
  }

  only(allowed: readonly string[]): void {
    for (const key of Object.keys(this.obj)) if (!allowed.includes(key)) this.fail(key, 'is not a field of this format');
  }
}

/** An absolute http(s) URL, or a PackError. Anything else (javascript:, data:, relative) is refused. */
export function checkHttpUrl(value: string, file: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PackError(file, field, 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PackError(file, field, `must be an http(s) URL (got ${url.protocol})`);
  if (url.username || url.password) throw new PackError(file, field, 'must not contain a user name or password');
  return url.href;
}

/** A safe relative path inside the pack: segments of [A-Za-z0-9._-], no "..", no leading "/". */
export function isSafePath(path: string): boolean {
  if (path.length === 0 || path.length > PACK_LIMITS.path) return false;
  return path.split('/').every((s) => PATH_SEGMENT.test(s) && s !== '.' && s !== '..');
}

/** Parses a pack.json's bytes into a checked manifest. */
export function parseManifest(bytes: Uint8Array): PackManifest {
  const file = MANIFEST_FILE;
  if (bytes.length > PACK_LIMITS.manifestBytes) throw new PackError(file, '', `is larger than ${PACK_LIMITS.manifestBytes} bytes`);
  const json = parseJson(bytes, file);
  if (!isObj(json)) throw new PackError(file, '', 'must hold a JSON object');
  const f: Fields = new Fields(file, '', json);
  f.only(['format', 'formatVersion', 'kind', 'id', 'version', 'title', 'publisher', 'created', 'embeddings', 'files']);
  if (json.format !== PACK_FORMAT) f.fail('format', `must be "${PACK_FORMAT}"`);
  const formatVersion = f.int('formatVersion', 1, Number.MAX_SAFE_INTEGER);
  if (formatVersion > PACK_FORMAT_VERSION) f.fail('formatVersion', `is ${formatVersion}; this Mirror reads version ${PACK_FORMAT_VERSION} (update Mirror)`);
  const kind = json.kind;
  if (kind !== 'catalog' && kind !== 'lookbook') f.fail('kind', `must be "catalog" or "lookbook" (got ${JSON.stringify(kind)?.slice(0, 40)})`);
  const { list, pictures } = PACK_KINDS[kind];
  const id = f.req('id', { max: 64, pattern: PACK_ID, patternText: 'must be lower-case letters, digits, ".", "_" or "-"' });
  const version = f.int('version', 1, Number.MAX_SAFE_INTEGER);
  const title = f.req('title');
  const publisher = f.req('publisher');
  const created = f.req('created', { max: 40 });
  if (Number.isNaN(Date.parse(created))) f.fail('created', 'is not an ISO 8601 date');

  const emb = json.embeddings;
  if (!isObj(emb)) f.fail('embeddings', emb === undefined ? 'is missing' : 'must be an object');
  const e: Fields = new Fields(file, 'embeddings.', emb);
  e.only(['dim', 'count', 'encoding', 'modelVersion']);
  const dim = e.int('dim', 1, PACK_LIMITS.dim);
  const count = e.int('count', 0, kind === 'catalog' ? PACK_LIMITS.products : PACK_LIMITS.looks * (1 + PACK_LIMITS.garmentsPerLook));
  if (emb.encoding !== EMBEDDING_ENCODING) e.fail('encoding', `must be "${EMBEDDING_ENCODING}"`);
  const modelVersion = e.req('modelVersion', { max: 400 });

  const listed = json.files;
  if (!isObj(listed)) f.fail('files', listed === undefined ? 'is missing' : 'must be an object');
  const paths = Object.keys(listed);
  if (paths.length > PACK_LIMITS.files) f.fail('files', `lists ${paths.length} files; at most ${PACK_LIMITS.files} are allowed`);
  const files: Record<string, PackFileEntry> = {};
  let total = bytes.length;
  for (const path of paths) {
    const where = `files["${path.slice(0, 80)}"]`;
    if (!isSafePath(path)) f.fail(where, 'is not a safe relative path (letters, digits, ".", "_", "-" and "/", no "..")');
    if (path !== list && path !== EMBEDDINGS_FILE && !(path.startsWith(pictures) && IMAGE_EXT.test(path))) {
      f.fail(where, `is not part of a ${kind} pack (only ${list}, ${EMBEDDINGS_FILE} and ${pictures}*.jpg|png|webp)`);
    }
    const entry = listed[path];
    if (!isObj(entry)) f.fail(where, 'must be an object {sha256, bytes}');
    const fe: Fields = new Fields(file, `${where}.`, entry);
    fe.only(['sha256', 'bytes']);
    const sha256 = fe.req('sha256', { max: 64, pattern: SHA256, patternText: 'must be 64 lower-case hex digits' });
    const max = path === list ? PACK_LIMITS.productsBytes : path === EMBEDDINGS_FILE ? PACK_LIMITS.totalBytes : kind === 'catalog' ? PACK_LIMITS.imageBytes : PACK_LIMITS.photoBytes;
    const size = fe.int('bytes', 0, max);
    total += size;
    files[path] = { sha256, bytes: size };
  }
  if (total > PACK_LIMITS.totalBytes) f.fail('files', `add up to ${total} bytes; at most ${PACK_LIMITS.totalBytes} are allowed`);
  for (const required of [list, EMBEDDINGS_FILE]) if (!files[required]) f.fail(`files["${required}"]`, 'is missing');
  const expected = 4 * count + count * dim;
  if (files[EMBEDDINGS_FILE].bytes !== expected) {
    f.fail(`files["${EMBEDDINGS_FILE}"].bytes`, `is ${files[EMBEDDINGS_FILE].bytes}; ${count} vectors of ${dim} need ${expected}`);
  }
  return {
    format: PACK_FORMAT, formatVersion, kind, id, version, title, publisher, created,
    embeddings: { dim, count, encoding: EMBEDDING_ENCODING, modelVersion }, files,
  };
}

/** Parses looks.json against its manifest (vector count, photo paths). */
export function parseLooks(bytes: Uint8Array, manifest: PackManifest): LookbookLook[] {
  const file = LOOKS_FILE;
  const json = parseJson(bytes, file);
  if (!isObj(json) || !Array.isArray(json.looks)) throw new PackError(file, 'looks', 'must be an array ({"looks": [...]})');
  const list: unknown[] = json.looks;
  if (list.length > PACK_LIMITS.looks) throw new PackError(file, 'looks', `has ${list.length} looks; at most ${PACK_LIMITS.looks} are allowed`);
  const seen = new Set<string>();
  let vectors = 0;
  const looks = list.map((raw, i): LookbookLook => {
    if (!isObj(raw)) throw new PackError(file, `looks[${i}]`, 'must be an object');
    const f: Fields = new Fields(file, `looks[${i}].`, raw);
    f.only(['id', 'caption', 'tags', 'takenAt', 'photo', 'width', 'height', 'garments']);
    const id = f.req('id', { max: PACK_LIMITS.id, pattern: ID, patternText: 'must be letters, digits, ".", "_", ":" or "-"' });
    if (seen.has(id)) f.fail('id', `"${id}" is used by an earlier look`);
    seen.add(id);
    const caption = f.text('caption', { optional: true, max: 500 }) ?? '';
    const tags = raw.tags ?? [];
    if (!Array.isArray(tags) || tags.length > 32) f.fail('tags', 'must be an array of at most 32 strings');
    const tagList = tags.map((_, t) => new Fields(file, `looks[${i}].tags`, { [t]: tags[t] }).req(String(t), { max: 40 }));
    const takenAt = f.req('takenAt', { max: 40 });
    if (Number.isNaN(Date.parse(takenAt))) f.fail('takenAt', 'is not an ISO 8601 date');
    const photo = f.req('photo', { max: PACK_LIMITS.path });
    if (!photo.startsWith(PHOTOS_DIR) || !manifest.files[photo]) f.fail('photo', `"${photo}" is not listed in ${MANIFEST_FILE} files under ${PHOTOS_DIR}`);
    const width = f.int('width', 1, 20_000);
    const height = f.int('height', 1, 20_000);
    const garmentsRaw = raw.garments ?? [];
    if (!Array.isArray(garmentsRaw) || garmentsRaw.length > PACK_LIMITS.garmentsPerLook) f.fail('garments', `must be an array of at most ${PACK_LIMITS.garmentsPerLook} garments`);
    const garments = garmentsRaw.map((g: unknown, j: number): LookbookGarment => {
      if (!isObj(g)) throw new PackError(file, `looks[${i}].garments[${j}]`, 'must be an object');
      const gf: Fields = new Fields(file, `looks[${i}].garments[${j}].`, g);
      gf.only(['category', 'box', 'colours', 'histogram']);
      const category = g.category;
      if (!isCategory(category)) gf.fail('category', `must be one of ${CATEGORIES.join(', ')}`);
      const box = g.box;
      if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isFinite(v))) gf.fail('box', 'must be [x, y, w, h] numbers');
      const colours = g.colours ?? [];
      if (!Array.isArray(colours) || colours.length > 8) gf.fail('colours', 'must be an array of at most 8 names');
      const names = colours.map((_, c) => new Fields(file, `looks[${i}].garments[${j}].colours`, { [c]: colours[c] }).req(String(c), { max: 30 }));
      const garment: LookbookGarment = { category, box: box as LookbookGarment['box'], colours: names };
      if (g.histogram !== undefined) garment.histogram = gf.histogram();
      return garment;
    });
    vectors += 1 + garments.length;
    return { id, caption, tags: tagList, takenAt, photo, width, height, garments };
  });
  if (vectors !== manifest.embeddings.count) {
    throw new PackError(file, 'looks', `need ${vectors} vectors (one per look and one per garment) but ${MANIFEST_FILE} says embeddings.count is ${manifest.embeddings.count}`);
  }
  return looks;
}

/** Parses products.json against its manifest (count, image paths). */
export function parseProducts(bytes: Uint8Array, manifest: PackManifest): Product[] {
  const file = PRODUCTS_FILE;
  const json = parseJson(bytes, file);
  if (!isObj(json) || !Array.isArray(json.products)) throw new PackError(file, 'products', 'must be an array ({"products": [...]})');
  const list: unknown[] = json.products;
  if (list.length !== manifest.embeddings.count) {
    throw new PackError(file, 'products', `has ${list.length} products but ${MANIFEST_FILE} says embeddings.count is ${manifest.embeddings.count}`);
  }
  const seen = new Set<string>();
  return list.map((raw, i): Product => {
    if (!isObj(raw)) throw new PackError(file, `products[${i}]`, 'must be an object');
    const f: Fields = new Fields(file, `products[${i}].`, raw);
    f.only(['id', 'title', 'brand', 'price', 'currency', 'url', 'category', 'type', 'image', 'histogram']);
    const id = f.req('id', { max: PACK_LIMITS.id, pattern: ID, patternText: 'must be letters, digits, ".", "_", ":" or "-"' });
    if (seen.has(id)) f.fail('id', `"${id}" is used by an earlier product`);
    seen.add(id);
    const product: Product = { id, title: f.req('title'), category: 'top' };
    const category = raw.category;
    if (!isCategory(category)) f.fail('category', `must be one of ${CATEGORIES.join(', ')} (got ${JSON.stringify(category)?.slice(0, 40)})`);
    product.category = category;
    const brand = f.text('brand', { optional: true });
    if (brand) product.brand = brand;
    const type = f.text('type', { optional: true, max: 60 });
    if (type) product.type = type;
    const price = raw.price;
    if (price !== undefined) {
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > 1e9) f.fail('price', 'must be a number from 0 to 1e9');
      product.price = price;
      product.currency = f.req('currency', { max: 3, pattern: CURRENCY, patternText: 'must be an ISO 4217 code such as EUR' });
    } else if (raw.currency !== undefined) {
      product.currency = f.req('currency', { max: 3, pattern: CURRENCY, patternText: 'must be an ISO 4217 code such as EUR' });
    }
    const url = f.text('url', { optional: true, max: PACK_LIMITS.url });
    if (url) product.url = checkHttpUrl(url, file, `products[${i}].url`);
    const image = f.text('image', { optional: true, max: PACK_LIMITS.path });
    if (image) {
      if (!image.startsWith(IMAGES_DIR) || !manifest.files[image]) f.fail('image', `"${image}" is not listed in ${MANIFEST_FILE} files under ${IMAGES_DIR}`);
      product.image = image;
    }
    if (raw.histogram !== undefined) product.histogram = f.histogram();
    return product;
  });
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PackError(file, '', 'is not UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PackError(file, '', `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Vectors

/**
 * Symmetric int8 quantisation, one scale per vector: scale = max|v| / 127, q = round(v / scale), so
 * v ≈ q * scale with an error of at most scale / 2 per component. Returns the embeddings.bin bytes.
 */
export function quantise(vectors: readonly Float32Array[], dim: number): Uint8Array {
  const n = vectors.length;
  const out = new Uint8Array(4 * n + n * dim);
  const scales = new DataView(out.buffer, 0, 4 * n);
  const q = new Int8Array(out.buffer, 4 * n, n * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new RangeError(`vector ${i} has length ${v.length}, expected ${dim}`);
    let maxAbs = 0;
    for (let j = 0; j < dim; j++) maxAbs = Math.max(maxAbs, Math.abs(v[j]));
    if (!Number.isFinite(maxAbs)) throw new RangeError(`vector ${i} is not finite`);
    const scale = maxAbs > 0 ? maxAbs / 127 : 0;
    scales.setFloat32(4 * i, scale, true);
    for (let j = 0; j < dim; j++) q[i * dim + j] = scale > 0 ? Math.round(v[j] / scale) : 0;
  });
  return out;
}

/** Splits embeddings.bin into its scales and int8 components (copies, aligned). */
export function splitEmbeddings(bytes: Uint8Array, count: number, dim: number): { scales: Float32Array; vectors: Int8Array } {
  const file = EMBEDDINGS_FILE;
  if (bytes.length !== 4 * count + count * dim) throw new PackError(file, '', `has ${bytes.length} bytes; ${count} vectors of ${dim} need ${4 * count + count * dim}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4 * count);
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = view.getFloat32(4 * i, true);
    if (!Number.isFinite(s) || s < 0) throw new PackError(file, `scale[${i}]`, 'must be a finite number >= 0');
    scales[i] = s;
  }
  const vectors = new Int8Array(count * dim);
  vectors.set(new Int8Array(bytes.buffer, bytes.byteOffset + 4 * count, count * dim));
  return { scales, vectors };
}

/** Vector i as float32: q * scale. */
export function dequantise(scales: Float32Array, vectors: Int8Array, dim: number, i: number): Float32Array {
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = vectors[i * dim + j] * scales[i];
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Whole packs

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** First bytes of the image formats a pack may hold (never SVG: it can carry script). */
export function imageType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Reads a pack's file by path. It is given the size the manifest declares and must refuse (throw) rather
 * than read more than that; it returns undefined when the file does not exist.
 */
export type PackReader = (path: string, declaredBytes: number) => Promise<Uint8Array | undefined>;

/**
 * Checks a whole pack: the manifest, then every listed file's presence, size and SHA-256, then
 * products.json and embeddings.bin against the manifest, and that every image is a JPEG, PNG or WebP.
 * Nothing is returned until all of it has passed.
 */
export async function verifyPack(manifestBytes: Uint8Array, read: PackReader, options: { dim?: number } = {}): Promise<VerifiedPack> {
  const manifest = parseManifest(manifestBytes);
  if (options.dim !== undefined && manifest.embeddings.dim !== options.dim) {
    throw new PackError(MANIFEST_FILE, 'embeddings.dim', `is ${manifest.embeddings.dim}; Mirror's vectors have ${options.dim} dimensions (the pack was made for another model version: ask its publisher for an update)`);
  }
  const contents = new Map<string, Uint8Array>();
  let bytes = manifestBytes.length;
  for (const [path, entry] of Object.entries(manifest.files)) {
    const data = await read(path, entry.bytes);
    if (!data) throw new PackError(path, '', `is missing (listed in ${MANIFEST_FILE})`);
    if (data.length !== entry.bytes) throw new PackError(path, '', `has ${data.length} bytes; ${MANIFEST_FILE} says ${entry.bytes}`);
    const hash = await sha256Hex(data);
    if (hash !== entry.sha256) throw new PackError(path, '', `does not match its SHA-256 in ${MANIFEST_FILE} (the file was changed or damaged)`);
    if (path.startsWith(PACK_KINDS[manifest.kind].pictures) && !imageType(data)) throw new PackError(path, '', 'is not a JPEG, PNG or WebP image');
    contents.set(path, data);
    bytes += data.length;
  }
  const { list, pictures } = PACK_KINDS[manifest.kind];
  const products = manifest.kind === 'catalog' ? parseProducts(contents.get(list)!, manifest) : [];
  const looks = manifest.kind === 'lookbook' ? parseLooks(contents.get(list)!, manifest) : [];
  const { scales, vectors } = splitEmbeddings(contents.get(EMBEDDINGS_FILE)!, manifest.embeddings.count, manifest.embeddings.dim);
  const images = new Map([...contents].filter(([path]) => path.startsWith(pictures)));
  return { manifest, products, looks, scales, vectors, images, bytes };
}

/** Builds a manifest for files already written (the CLI's build-pack; also the unit tests' fixtures). */
export async function makeManifest(
  meta: Pick<PackManifest, 'id' | 'version' | 'title' | 'publisher'> & { created?: string; kind?: PackKind },
  embeddings: Omit<PackEmbeddings, 'encoding'>,
  files: Map<string, Uint8Array>,
): Promise<PackManifest> {
  const entries: Record<string, PackFileEntry> = {};
  for (const [path, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) entries[path] = { sha256: await sha256Hex(data), bytes: data.length };
  return {
    format: PACK_FORMAT, formatVersion: PACK_FORMAT_VERSION, kind: meta.kind ?? 'catalog',
    id: meta.id, version: meta.version, title: meta.title, publisher: meta.publisher,
    created: meta.created ?? new Date().toISOString(),
    embeddings: { ...embeddings, encoding: EMBEDDING_ENCODING },
    files: entries,
  };
}
