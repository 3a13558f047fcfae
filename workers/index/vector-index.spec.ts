import { describe, expect, it } from 'vitest';
import { EMBEDDING_DIM } from '../../common/constants';
import type { VectorKind } from '../../common/db-schema';
import { SHORTLIST_FACTOR, SHORTLIST_MIN, VectorIndex, type IndexEntry } from './vector-index';
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

/**
 * recall@10 of index.search against exact float search, over 20 fresh queries; checks on the way that the scores
 * are the exact cosines (float re-rank), best first. `after` runs after each search.
 */
function recallAt10(index: VectorIndex, vectors: Float32Array[], sample: () => Float32Array, after = (): void => {}): number {
  let found = 0;
  const queries = 20;
  for (let t = 0; t < queries; t++) {
    const query = sample();
    const exact = vectors
      .map((v, i) => ({ id: `g${i}`, score: cosine(query, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    const hits = index.search(query, { k: 10 });
    after();
    expect(hits).toHaveLength(10);
    const got = new Set(hits.map((h) => h.id));
    found += exact.filter((e) => got.has(e.id)).length;
    const byId = new Map(exact.map((e) => [e.id, e.score]));
    for (const h of hits) if (byId.has(h.id)) expect(h.score).toBeCloseTo(byId.get(h.id)!, 4);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
  }
  return found / (queries * 10);
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

    expect(recallAt10(index, vectors, sample)).toBeGreaterThanOrEqual(0.95);
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
    expect(strong.length).toBe(Math.min(expected, Math.max(SHORTLIST_FACTOR * 200, SHORTLIST_MIN)));
  });

  it('partitions from partitionMin on: recall@10 >= 0.95 against exact float search, scanning a fraction', () => {
    const n = 4000;
    const sample = clustered(17, EMBEDDING_DIM, 40, 0.9);
    const vectors = Array.from({ length: n }, sample);
    const index = new VectorIndex(EMBEDDING_DIM, { wasm, partitionMin: 1000 });
    index.add(vectors.map((v, i) => entry(`g${i}`, v)));
    expect(index.layout).toBe('exact');
    expect(index.maintain()).toBe(true);
    expect(index.layout).toBe('63 lists, 8 probed');
    expect(index.maintain()).toBe(false);
    expect(index.size).toBe(n);

    expect(recallAt10(index, vectors, sample, () => expect(index.lastScanned).toBeLessThan(n / 2))).toBeGreaterThanOrEqual(0.95);
    // Every stored vector is still its own best match.
    for (const i of [0, 1234, n - 1]) expect(index.search(vectors[i], { k: 1 })[0]).toMatchObject({ id: `g${i}` });
  });

  it('keeps a partitioned index right through upserts, deletes, rebuilds and a fall below partitionMin', () => {
    const sample = clustered(23, EMBEDDING_DIM, 20, 0.8);
    const vs = Array.from({ length: 1200 }, sample);
    const index = new VectorIndex(EMBEDDING_DIM, { wasm, partitionMin: 1000, initialCapacity: 64 });
    index.add(vs.map((v, i) => entry(`g${i}`, v, 'garment', `l${i % 50}`)));
    index.maintain();
    expect(index.layout).toBe('35 lists, 8 probed');

    // A vector of a list upserted (it moves to the tail), one deleted from a list, one added then deleted (tail).
    const moved = sample();
    index.upsert(entry('g7', moved, 'look', 'lx'));
    expect(index.delete('g8')).toBe(true);
    expect(index.delete('g8')).toBe(false);
    index.upsert(entry('new', sample()));
    index.upsert(entry('new2', sample()));
    expect(index.delete('new')).toBe(true);
    expect(index.size).toBe(1200);
    expect(index.has('g8')).toBe(false);
    expect(index.get('g7')).toMatchObject({ kind: 'look', lookId: 'lx' });
    expect(index.search(moved, { k: 1 })[0]).toMatchObject({ id: 'g7', kind: 'look', lookId: 'lx', score: expect.closeTo(1, 5) });
    expect(index.search(vs[8], { k: 5 }).map((h) => h.id)).not.toContain('g8');
    expect(index.search(vs[9], { k: 1 })[0].id).toBe('g9');
    expect(index.idsOfLook('lx')).toEqual(['g7']);
    expect(index.idsOfLook('l8')).not.toContain('g8');
    // Few changes: no rebuild yet.
    expect(index.maintain()).toBe(false);

    // More than a tenth dead: maintain() rebuilds, the dead slots go, every vector stays findable.
    for (let i = 100; i < 250; i++) index.delete(`g${i}`);
    expect(index.size).toBe(1050);
    expect(index.maintain()).toBe(true);
    expect(index.size).toBe(1050);
    for (const i of [0, 9, 99, 250, 1199]) expect(index.search(vs[i], { k: 1 })[0].id).toBe(`g${i}`);
    expect(index.search(vs[0], { k: 2000 })).toHaveLength(1050);

    // Below partitionMin the partition is dropped and search is exact again.
    for (let i = 250; i < 400; i++) index.delete(`g${i}`);
    expect(index.maintain()).toBe(true);
    expect(index.layout).toBe('exact (30 lists, all scanned)');
    expect(index.size).toBe(900);
    expect(index.search(vs[500], { k: 1 })[0].id).toBe('g500');
    expect(index.lastScanned).toBe(900);
  });

  it('scans further lists when the filters leave the shortlist short', () => {
    const sample = clustered(29, EMBEDDING_DIM, 30, 0.8);
    const vs = Array.from({ length: 3000 }, sample);
    const index = new VectorIndex(EMBEDDING_DIM, { wasm, partitionMin: 1000 });
    // One vector in a hundred is a look.
    index.add(vs.map((v, i) => entry(`v${i}`, v, i % 100 ? 'garment' : 'look', `l${i % 7}`)));
    index.maintain();
    const looks = index.search(vs[3], { k: 50, kind: 'look' });
    expect(looks).toHaveLength(30);
    expect(looks.every((h) => h.kind === 'look')).toBe(true);
    const notL3 = index.search(vs[3], { k: 3000, excludeLookId: 'l3' });
    expect(notL3).toHaveLength(3000 - vs.filter((_, i) => i % 7 === 3).length);
  });

  it('refuses vectors of the wrong length, zero vectors and bad k', () => {
    const index = new VectorIndex(EMBEDDING_DIM, { wasm });
    expect(() => index.upsert(entry('a', new Float32Array(3)))).toThrow(RangeError);
    expect(() => index.upsert(entry('a', new Float32Array(EMBEDDING_DIM)))).toThrow(/zero/);
    index.upsert(entry('a', new Float32Array(EMBEDDING_DIM).fill(1)));
    expect(() => index.search(new Float32Array(EMBEDDING_DIM).fill(1), { k: 0 })).toThrow(RangeError);
  });
});

it('gives the same ranking with the WASM and the JS scan, also for a dim the kernel cannot take, partitioned or not', () => {
  for (const [dim, partitionMin] of [[EMBEDDING_DIM, undefined], [36, undefined], [EMBEDDING_DIM, 200], [36, 200]] as const) {
    const sample = clustered(21, dim, 10, 0.6);
    const a = new VectorIndex(dim, { initialCapacity: 8, wasm: true, partitionMin });
    const b = new VectorIndex(dim, { initialCapacity: 8, wasm: false, partitionMin });
    const vs = Array.from({ length: 500 }, sample);
    a.add(vs.map((v, i) => entry(`g${i}`, v)));
    b.add(vs.map((v, i) => entry(`g${i}`, v)));
    a.maintain();
    b.maintain();
    expect(a.layout).toBe(b.layout);
    for (let t = 0; t < 5; t++) {
      const q = sample();
      expect(a.search(q, { k: 10 })).toEqual(b.search(q, { k: 10 }));
    }
  }
});
