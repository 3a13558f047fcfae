/**
 * "Shop the look": the related products of one garment, the ONE matching used by the Photo view and by
 * the CLI's `related` command. DOM-free: plain arrays in, ranked product references out.
 *
 * Ranking: products of the garment's category come first, then the others; within each group the best score
 * comes first, the score being Similar items' (common/colour-similarity.ts colourScore): the cosine of the garment's
 * and the product's item vectors with the affinity of their colour histograms, or the cosine alone where either has
 * no histogram (packs made before products carried one). garment-net's vectors are colour-blind by design, so by
 * the cosine alone the products for a black coat come in any colour (docs/packs.md, "Shop the look").
 */
import type { Category } from './categories';
import { colourAffinity, colourScore } from './colour-similarity';
import type { Product } from './pack-format';

/** What the matcher needs of an installed catalog pack. */
export interface Catalog {
  id: string;
  dim: number;
  modelVersion: string;
  products: readonly Pick<Product, 'id' | 'category' | 'histogram'>[];
  /** count × dim int8 components (embeddings.bin); the per-vector scales cancel out in a cosine. */
  vectors: Int8Array;
}

export interface GarmentQuery {
  category: Category;
  /** The garment's item vector (any length-dim vector; compared by cosine). */
  vector: Float32Array;
  /** The garment's colour histogram (DetectedGarment.histogram); absent on garments stored before histograms. */
  histogram?: readonly number[];
  /** MODEL_VERSION of the analysis that made the vector. */
  modelVersion: string;
}

export interface ProductMatch {
  packId: string;
  /** Index of the product in its pack's products.json. */
  index: number;
  productId: string;
  /** colourScore of the cosine and the colour affinity (the cosine alone without histograms), -1..1. */
  score: number;
  sameCategory: boolean;
}

export interface MatchResult {
  matches: ProductMatch[];
  /** Packs left out because their vectors come from another model (or have another dimension). */
  skipped: { packId: string; modelVersion: string }[];
}

/**
 * Whether a pack's vectors can be compared with vectors of the given model: the same MODEL_VERSION and the
 * same dimension. Vectors of another model are not comparable even at the same size (another embedding
 * space), and a pack kept from before a model update usually has the old size too (1280 before garment-net).
 */
export function packFitsModel(embeddings: { dim: number; modelVersion: string }, model: { modelVersion: string; dim: number }): boolean {
  return embeddings.modelVersion === model.modelVersion && embeddings.dim === model.dim;
}

/** Related products shown per garment (and written per garment by the CLI). */
export const RELATED_K = 5;

/** Cosine similarity of a float vector with int8 vector i of a catalog. 0 when either is all zeros. */
export function cosineInt8(query: Float32Array, queryNorm: number, vectors: Int8Array, i: number, dim: number): number {
  let dot = 0;
  let norm = 0;
  const off = i * dim;
  for (let j = 0; j < dim; j++) {
    const q = vectors[off + j];
    dot += query[j] * q;
    norm += q * q;
  }
  return norm > 0 && queryNorm > 0 ? dot / (Math.sqrt(norm) * queryNorm) : 0;
}

export function relatedProducts(garment: GarmentQuery, catalogs: readonly Catalog[], k = RELATED_K): MatchResult {
  const skipped: MatchResult['skipped'] = [];
  const all: ProductMatch[] = [];
  let queryNorm = 0;
  for (const x of garment.vector) queryNorm += x * x;
  queryNorm = Math.sqrt(queryNorm);
  for (const c of catalogs) {
    if (!packFitsModel(c, { modelVersion: garment.modelVersion, dim: garment.vector.length })) {
      skipped.push({ packId: c.id, modelVersion: c.modelVersion });
      continue;
    }
    c.products.forEach((p, index) => {
      all.push({
        packId: c.id,
        index,
        productId: p.id,
        score: colourScore(cosineInt8(garment.vector, queryNorm, c.vectors, index, c.dim), colourAffinity(garment.histogram, p.histogram)),
        sameCategory: p.category === garment.category,
      });
    });
  }
  all.sort((a, b) => Number(b.sameCategory) - Number(a.sameCategory) || b.score - a.score || a.productId.localeCompare(b.productId));
  return { matches: all.slice(0, k), skipped };
}
