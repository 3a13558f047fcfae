import { describe, expect, it } from 'vitest';
import { quantise, splitEmbeddings } from './pack-format';
import { packFitsModel, relatedProducts, type Catalog } from './pack-match';

function catalog(id: string, items: [string, 'top' | 'bottom' | 'shoes', number[]][], modelVersion = 'm1'): Catalog {
  const dim = items[0][2].length;
  const { vectors } = splitEmbeddings(quantise(items.map(([, , v]) => Float32Array.from(v)), dim), items.length, dim);
  return { id, dim, modelVersion, products: items.map(([pid, category]) => ({ id: pid, category })), vectors };
}

describe('relatedProducts', () => {
  const shop = catalog('shop', [
    ['top-far', 'top', [0, 1, 0]],
    ['top-near', 'top', [0.9, 0.1, 0]],
    ['bottom-exact', 'bottom', [1, 0, 0]],
    ['shoes', 'shoes', [0, 0, 1]],
  ]);

  it('puts the same category first, then ranks by cosine similarity', () => {
    const r = relatedProducts({ category: 'top', vector: Float32Array.from([1, 0, 0]), modelVersion: 'm1' }, [shop], 3);
    expect(r.matches.map((m) => m.productId)).toEqual(['top-near', 'top-far', 'bottom-exact']);
    expect(r.matches[0].score).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 2);
    expect(r.matches[2].sameCategory).toBe(false);
    expect(r.skipped).toEqual([]);
  });

  it('ranks by colour beside the vector where the garment and the products have histograms', () => {
    const hist = (cell: number) => Array.from({ length: 64 }, (_, i) => (i === cell ? 1 : 0));
    const coloured: Catalog = {
      ...catalog('coloured', [
        ['red-tee', 'top', [0.8, 0.6, 0]],
        ['black-tee', 'top', [0.85, 0.53, 0]],
        ['plain-tee', 'top', [0.7, 0.71, 0]],
      ]),
    };
    coloured.products = [
      { id: 'red-tee', category: 'top', histogram: hist(48) },
      { id: 'black-tee', category: 'top', histogram: hist(0) },
      { id: 'plain-tee', category: 'top' }, // a pack made before histograms: the cosine alone
    ];
    const query = { category: 'top' as const, vector: Float32Array.from([1, 0, 0]), modelVersion: 'm1' };
    // By the vectors alone the black tee is nearer than the red one; a red garment puts the red one first.
    expect(relatedProducts(query, [coloured], 3).matches.map((m) => m.productId)).toEqual(['black-tee', 'red-tee', 'plain-tee']);
    const red = relatedProducts({ ...query, histogram: hist(48) }, [coloured], 3).matches;
    expect(red.map((m) => m.productId)).toEqual(['red-tee', 'black-tee', 'plain-tee']);
    expect(red[0].score).toBeCloseTo((0.8 + 0.09) / 1.09, 2);
  });

  it('searches several packs and leaves out packs of another model version or dimension', () => {
    const other = catalog('other', [['o1', 'top', [1, 0, 0]]]);
    const old = catalog('old', [['x', 'top', [1, 0, 0]]], 'm0');
    const wide = catalog('wide', [['w', 'top', [1, 0, 0, 0]]]);
    const r = relatedProducts({ category: 'top', vector: Float32Array.from([1, 0, 0]), modelVersion: 'm1' }, [shop, other, old, wide]);
    expect(r.matches.map((m) => `${m.packId}/${m.productId}`)).toEqual(['other/o1', 'shop/top-near', 'shop/top-far', 'shop/bottom-exact', 'shop/shoes']);
    expect(r.skipped.map((s) => s.packId)).toEqual(['old', 'wide']);
  });

  it('compares only packs of the same model version and vector size', () => {
    const model = { modelVersion: 'm2', dim: 128 };
    expect(packFitsModel({ modelVersion: 'm2', dim: 128 }, model)).toBe(true);
    // Kept from before a model update: the old version and MobileNetV2's 1280 features.
    expect(packFitsModel({ modelVersion: 'm1', dim: 1280 }, model)).toBe(false);
    // The same size is not enough: another model's vectors live in another space.
    expect(packFitsModel({ modelVersion: 'm1', dim: 128 }, model)).toBe(false);
    expect(packFitsModel({ modelVersion: 'm2', dim: 1280 }, model)).toBe(false);
  });
});
