import { describe, expect, it } from 'vitest';
import { EMBEDDING_DIM } from '../../common/constants';
import type { VectorKind } from '../../common/db-schema';
import { VectorIndex, type IndexEntry } from './vector-index';
import { rng } from '../../common/random';

/** Clustered data: `clusters` gaussian centres, points = centre + spread × noise (like embeddings of similar looks). */
function clustered(seed: number, dim: number, clusters: number, spread: number) {
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, gauss));
  return (): Float32Array => {
    const c = centres[Math.floor(rand() * clusters)];
    return Float32Array.from(c, (x) => x + spread * gauss());
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return ab / Math.sqrt(aa * bb);
}

const entry = (id: string, vector: Float32Array, kind: VectorKind = 'garment', lookId = 'l0'): IndexEntry => ({
  id,
  kind,
  lookId,
  vector,
});

describe.each([
  ['wasm-simd', true],
  ['js', false],
] as const)('VectorIndex (%s scan)', (scanner, wasm) => {
  it('uses the scanner asked for', () => {
    expect(new VectorIndex(EMBEDDING_DIM, { wasm }).scanner).toBe(scanner);
  });

  it('has recall@10 >= 0.95 against exact float search on clustered data', () => {
    const n = 3000;
    const sample = clustered(7, EMBEDDING_DIM, 30, 0.9);
    const vectors = Array.from({ length: n }, sample);
    // Starts small so the arrays grow (by doubling) several times during the adds.
    const index = new VectorIndex(EMBEDDING_DIM, { initialCapacity: 100, wasm });
    index.add(vectors.map((v, i) => entry(`g${i}`, v, 'garment', `l${i >> 2}`)));
    expect(index.size).toBe(n);

    let found = 0;
    const queries = 20;
    for (let t = 0; t < queries; t++) {
      const query = sample();
      const exact = vectors
        .map((v, i) => ({ id: `g${i}`, score: cosine(query, v) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const hits = index.search(query, { k: 10 });
      expect(hits).toHaveLength(10);
      const got = new Set(hits.map((h) => h.id));
      found += exact.filter((e) => got.has(e.id)).length;
      // Scores are the exact cosine (float re-rank), best first.
      const byId = new Map(exact.map((e) => [e.id, e.score]));
      for (const h of hits) if (byId.has(h.id)) expect(h.score).toBeCloseTo(byId.get(h.id)!, 4);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    }
    const recall = found / (queries * 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('finds a stored vector as its own best match with score 1', () => {
    const sample = clustered(3, EMBEDDING_DIM, 5, 0.5);
    const index = new VectorIndex(EMBEDDING_DIM, { wasm });
    const vs = Array.from({ length: 200 }, sample);
    index.add(vs.map((v, i) => entry(`g${i}`, v)));
    const hits = index.search(vs[17], { k: 1 });
    expect(hits[0].id).toBe('g17');
    expect(hits[0].score).toBeCloseTo(1, 5);
  });

  it('upserts by id, deletes by swap-remove and keeps every other vector findable', () => {
    const sample = clustered(11, EMBEDDING_DIM, 8, 0.7);
    const index = new VectorIndex(EMBEDDING_DIM, { initialCapacity: 4, wasm });
    const vs = Array.from({ length: 50 }, sample);
    index.add(vs.map((v, i) => entry(`g${i}`, v, 'garment', `l${i % 10}`)));
    expect(index.size).toBe(50);

    // Upsert: same id, new vector and look; the size does not change and the new vector is found.
    const replacement = sample();
    index.upsert(entry('g5', replacement, 'look', 'lx'));
    expect(index.size).toBe(50);
    expect(index.get('g5')).toMatchObject({ kind: 'look', lookId: 'lx' });
    expect(index.search(replacement, { k: 1 })[0]).toMatchObject({ id: 'g5', kind: 'look', lookId: 'lx' });

    // Delete the first, a middle and the last slot; unknown ids are reported.
    expect(index.delete('g0')).toBe(true);
    expect(index.delete('g25')).toBe(true);
    expect(index.delete('g49')).toBe(true);
    expect(index.delete('g49')).toBe(false);
    expect(index.delete('nope')).toBe(false);
    expect(index.size).toBe(47);
    expect(index.has('g0')).toBe(false);
    for (let i = 1; i < 49; i++) {
      if (i === 25 || i === 5) continue;
      const top = index.search(vs[i], { k: 1 })[0];
      expect(top.id).toBe(`g${i}`);
      expect(top.lookId).toBe(`l${i % 10}`);
      expect(top.score).toBeCloseTo(1, 5);
    }
    const all = index.search(vs[1], { k: 100 });
    expect(all).toHaveLength(47);
    expect(all.map((h) => h.id)).not.toContain('g0');
    expect(all.map((h) => h.id)).not.toContain('g25');

    expect(index.idsOfLook('l3').sort()).toEqual(['g13', 'g23', 'g3', 'g33', 'g43'].sort());
    index.clear();
    expect(index.size).toBe(0);
    expect(index.search(vs[1], { k: 5 })).toEqual([]);
  });

  it('filters by kind, excluded ids, excluded look and minScore', () => {
    const sample = clustered(5, EMBEDDING_DIM, 4, 0.8);
    const index = new VectorIndex(EMBEDDING_DIM, { wasm });
    const vs = Array.from({ length: 120 }, sample);
    index.add(vs.map((v, i) => entry(`${i % 3 ? 'garment' : 'look'}:${i}`, v, i % 3 ? 'garment' : 'look', `l${i % 7}`)));
    const query = vs[9];

    const looks = index.search(query, { k: 200, kind: 'look' });
    expect(looks).toHaveLength(40);
    expect(looks.every((h) => h.kind === 'look' && h.id.startsWith('look:'))).toBe(true);
    const garments = index.search(query, { k: 200, kind: 'garment' });
    expect(garments).toHaveLength(80);
    expect(garments.every((h) => h.kind === 'garment')).toBe(true);

    const withoutSelf = index.search(query, { k: 5, excludeIds: ['look:9'] });
    expect(withoutSelf.map((h) => h.id)).not.toContain('look:9');
    expect(withoutSelf).toHaveLength(5);

    const otherLooks = index.search(query, { k: 200, excludeLookId: 'l2' });
    expect(otherLooks.some((h) => h.lookId === 'l2')).toBe(false);
    expect(otherLooks).toHaveLength(120 - vs.filter((_, i) => i % 7 === 2).length);

    const threshold = 0.5;
    const strong = index.search(query, { k: 200, minScore: threshold });
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.every((h) => h.score >= threshold)).toBe(true);
    const expected = vs.filter((v) => cosine(query, v) >= threshold).length;
    expect(strong.length).toBe(Math.min(expected, Math.max(4 * 200, 50)));
  });

  it('refuses vectors of the wrong length, zero vectors and bad k', () => {
    const index = new VectorIndex(EMBEDDING_DIM, { wasm });
    expect(() => index.upsert(entry('a', new Float32Array(3)))).toThrow(RangeError);
    expect(() => index.upsert(entry('a', new Float32Array(EMBEDDING_DIM)))).toThrow(/zero/);
    index.upsert(entry('a', new Float32Array(EMBEDDING_DIM).fill(1)));
    expect(() => index.search(new Float32Array(EMBEDDING_DIM).fill(1), { k: 0 })).toThrow(RangeError);
  });
});

it('gives the same ranking with the WASM and the JS scan, also for a dim the kernel cannot take', () => {
  for (const dim of [EMBEDDING_DIM, 36]) {
    const sample = clustered(21, dim, 10, 0.6);
    const a = new VectorIndex(dim, { initialCapacity: 8, wasm: true });
    const b = new VectorIndex(dim, { initialCapacity: 8, wasm: false });
    const vs = Array.from({ length: 500 }, sample);
    a.add(vs.map((v, i) => entry(`g${i}`, v)));
    b.add(vs.map((v, i) => entry(`g${i}`, v)));
    for (let t = 0; t < 5; t++) {
      const q = sample();
      expect(a.search(q, { k: 10 })).toEqual(b.search(q, { k: 10 }));
    }
  }
});
