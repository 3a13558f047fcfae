/**
 * The look vector: what a look is made of, in the item vectors' space and size (one index serves both).
 *
 * Each garment's vector is bound to its category by a fixed random rotation of that category (seeded, the
 * same on every device), the bound vectors are summed, and the sum is L2-normalised. A rotation keeps the
 * similarities between garments of its category, and the rotations of two categories are nearly orthogonal
 * to each other, so two looks are close when they have close garments in the same categories: a grey
 * t-shirt over jeans is near another t-shirt over jeans, not near grey trousers under a denim jacket.
 * (A plain mean of the garment vectors mixes the categories: measured on CCP val it found neighbours hardly
 * better than random, see docs/garment-models.md.)
 */
import { CATEGORIES, type Category } from '../../common/categories';
import { EMBEDDING_DIM } from '../../common/constants';
import { rng } from '../../common/random';

const rotations = new Map<string, Float32Array>();

/** A seeded random orthogonal matrix [dim, dim] (row-major) for the category: Gaussian rows, Gram-Schmidt. */
export function categoryRotation(category: Category, dim: number): Float32Array {
  const key = `${category}:${dim}`;
  const cached = rotations.get(key);
  if (cached) return cached;
  const r = rng(9001 + CATEGORIES.indexOf(category));
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const m = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    const row = m.subarray(i * dim, (i + 1) * dim);
    for (let j = 0; j < dim; j++) row[j] = gauss();
    for (let k = 0; k < i; k++) {
      const prev = m.subarray(k * dim, (k + 1) * dim);
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += row[j] * prev[j];
      for (let j = 0; j < dim; j++) row[j] -= dot * prev[j];
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += row[j] * row[j];
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) row[j] /= norm;
  }
  const out = Float32Array.from(m);
  rotations.set(key, out);
  return out;
}

/**
 * L2-normalised sum of the garments' vectors, each rotated by its category's rotation; a garment without a
 * category (the whole person, when no garment was found) is added as it is. Zeros when there is nothing.
 */
export function lookVector(garments: { category?: Category; embedding: Float32Array }[]): Float32Array {
  const dim = garments[0]?.embedding.length ?? EMBEDDING_DIM;
  const out = new Float32Array(dim);
  for (const { category, embedding } of garments) {
    if (!category) {
      for (let i = 0; i < dim; i++) out[i] += embedding[i];
      continue;
    }
    const rot = categoryRotation(category, dim);
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += rot[i * dim + j] * embedding[j];
      out[i] += s;
    }
  }
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) out[i] /= norm;
  return out;
}
