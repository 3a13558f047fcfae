/**
 * Builds small, valid catalog packs in memory for the unit tests (and, by tweaking one file, broken ones).
 * Not used by the app.
 */
import { EMBEDDINGS_FILE, MANIFEST_FILE, PRODUCTS_FILE, makeManifest, quantise, type PackManifest, type Product } from './pack-format';

export interface PackFixture {
  manifest: PackManifest;
  /** Every file by path, pack.json included. */
  files: Map<string, Uint8Array>;
}

const text = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** A 1x1 JPEG's first bytes are enough for the type check: SOI + APP0 marker and padding. */
export const TINY_JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

export async function makePack(opts: { products?: Product[]; vectors?: Float32Array[]; dim?: number; modelVersion?: string; version?: number } = {}): Promise<PackFixture> {
  const dim = opts.dim ?? 8;
  const products: Product[] = opts.products ?? [
    { id: 'p1', title: 'Red tee', brand: 'Acme', price: 19.5, currency: 'EUR', url: 'https://shop.example/p1', category: 'top', type: 'T-Shirt', image: 'images/p1.jpg' },
    { id: 'p2', title: 'Blue jeans', category: 'bottom', image: 'images/p2.jpg' },
  ];
  const vectors = opts.vectors ?? products.map((_, i) => Float32Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0.1)));
  const files = new Map<string, Uint8Array>([
    [PRODUCTS_FILE, text({ products })],
    [EMBEDDINGS_FILE, quantise(vectors, dim)],
  ]);
  for (const p of products) if (p.image) files.set(p.image, TINY_JPEG);
  const manifest = await makeManifest(
    { id: 'test-shop', version: opts.version ?? 1, title: 'Test shop', publisher: 'Tests', created: '2026-01-01T00:00:00Z' },
    { dim, count: products.length, modelVersion: opts.modelVersion ?? 'test-model' },
    files,
  );
  files.set(MANIFEST_FILE, text(manifest));
  return { manifest, files };
}

export const encode = text;

/** A PackReader over a map of files (refusing reads larger than declared, as real readers do). */
export function mapReader(files: Map<string, Uint8Array>) {
  return async (path: string, declared: number): Promise<Uint8Array | undefined> => {
    const data = files.get(path);
    if (data && data.length > declared) throw new Error(`${path} is larger than declared`);
    return data;
  };
}
