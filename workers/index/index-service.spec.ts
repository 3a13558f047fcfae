import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_VERSION } from '../../common/constants';
import { openMirrorDB, type MirrorDatabase } from '../../common/db-open';
import { vectorId, type VectorRecord } from '../../common/db-schema';
import { IndexService } from './index-service';

const DIM = 32;
let n = 0;
const open: MirrorDatabase[] = [];
async function freshDb(): Promise<{ name: string; db: MirrorDatabase }> {
  const name = `mirror-test-${++n}`;
  const db = await openMirrorDB({ name });
  open.push(db);
  return { name, db };
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** A unit-ish vector pointing mostly along axis `axis`, with a small tilt so vectors differ. */
function vec(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[axis % DIM] = 1;
  v[(axis + 1) % DIM] = tilt;
  return v;
}
const record = (kind: 'look' | 'garment', id: string, lookId: string, v: Float32Array, modelVersion = 'm1'): VectorRecord => ({
  id: vectorId(kind, id),
  kind,
  lookId,
  vector: v,
  modelVersion,
});

describe('openMirrorDB', () => {
  it('creates every store and index of MirrorDB at DB_VERSION', async () => {
    const { db } = await freshDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['garments', 'looks', 'network', 'outfitFeedback', 'outfitTaste', 'packImages', 'packs', 'pieces', 'settings', 'vectors']);
    const tx = db.transaction(['looks', 'garments', 'vectors', 'settings']);
    expect(tx.objectStore('looks').keyPath).toBe('id');
    expect([...tx.objectStore('looks').indexNames].sort()).toEqual(['byAdded', 'byStatus']);
    expect([...tx.objectStore('garments').indexNames]).toEqual(['byLook']);
    expect([...tx.objectStore('vectors').indexNames].sort()).toEqual(['byKind', 'byLook']);
    expect(tx.objectStore('settings').keyPath).toBeNull();
    await tx.done;
  });

  it('opens an existing database without losing data', async () => {
    const { name, db } = await freshDb();
    await db.put('settings', 'auto', 'backend');
    db.close();
    const again = await openMirrorDB({ name });
    open.push(again);
    expect(await again.get('settings', 'backend')).toBe('auto');
  });
});

describe('IndexService', () => {
  it('loads every stored vector (in batches), then searches with filters', async () => {
    const { db } = await freshDb();
    const tx = db.transaction('vectors', 'readwrite');
    // 2500 records: more than two load batches.
    for (let i = 0; i < 2500; i++) {
      void tx.store.put(record(i % 5 ? 'garment' : 'look', `${i}`, `L${Math.floor(i / 5)}`, vec(i, (i % 97) / 200)));
    }
    await tx.done;
    const service = new IndexService(async () => db, DIM);
    const loaded = await service.load();
    expect(loaded.count).toBe(2500);
    expect(loaded.skipped).toBe(0);
    expect(loaded.ms).toBeGreaterThanOrEqual(0);
    expect(await service.count()).toBe(2500);

    const hits = await service.search(vec(7, 0.03), { kind: 'garment', k: 5 });
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.kind === 'garment')).toBe(true);
    expect(hits[0].score).toBeGreaterThan(0.99);

    const looks = await service.similarTo(vectorId('look', '0'), { kind: 'look', k: 3, excludeLookId: 'L1' });
    expect(looks.map((h) => h.id)).not.toContain('look:0');
    expect(looks.every((h) => h.id.startsWith('look:') && h.lookId !== 'L1')).toBe(true);
    expect(looks).toHaveLength(3);
  });

  it('skips vectors of another model version when asked', async () => {
    const { db } = await freshDb();
    await db.put('vectors', record('look', 'a', 'A', vec(1), 'm1'));
    await db.put('vectors', record('look', 'b', 'B', vec(2), 'm0'));
    const service = new IndexService(async () => db, DIM);
    expect(await service.load('m1')).toMatchObject({ count: 1, skipped: 1 });
  });

  it('applies add, remove and removeLook, and orders them after a load in progress', async () => {
    const { db } = await freshDb();
    await db.put('vectors', record('look', 'a', 'A', vec(1)));
    await db.put('vectors', record('garment', 'a1', 'A', vec(2)));
    const service = new IndexService(async () => db, DIM);
    // Not awaited: the remove below must still win over the load.
    const loading = service.load();
    const removed = service.remove([vectorId('garment', 'a1')]);
    await loading;
    expect(await removed).toBe(1);
    expect(await service.count()).toBe(1);

    expect(await service.add([record('look', 'b', 'B', vec(3)), record('garment', 'b1', 'B', vec(4)), record('garment', 'b2', 'B', vec(5))])).toBe(4);
    // Upsert: same id again does not grow the index.
    expect(await service.add([record('garment', 'b2', 'B', vec(6))])).toBe(4);
    expect((await service.search(vec(6), { kind: 'garment', k: 1 }))[0].id).toBe('garment:b2');

    expect(await service.removeLook('B')).toBe(3);
    expect(await service.count()).toBe(1);
    await service.clear();
    expect(await service.count()).toBe(0);
  });

  it('finds the vector of similarTo in IndexedDB when the index lacks it, and refuses unknown ids', async () => {
    const { db } = await freshDb();
    await db.put('vectors', record('look', 'a', 'A', vec(1)));
    await db.put('vectors', record('look', 'b', 'B', vec(1, 0.2)));
    const service = new IndexService(async () => db, DIM);
    await service.add([record('look', 'b', 'B', vec(1, 0.2))]);
    const hits = await service.similarTo('look:a', { kind: 'look', k: 5 });
    expect(hits.map((h) => h.id)).toEqual(['look:b']);
    await expect(service.similarTo('look:zzz', { kind: 'look', k: 5 })).rejects.toThrow(/No vector/);
    // A failed call does not block the queue.
    expect(await service.count()).toBe(1);
  });

  it('leaves out vectors of an older model (another length, or another version) and refuses to search from them', async () => {
    const { db } = await freshDb();
    await db.put('vectors', record('look', 'new', 'N', vec(1), 'm2'));
    await db.put('vectors', record('look', 'near', 'M', vec(1, 0.1), 'm2'));
    // An old model's 48-d vector in a 32-d index, and an old version of the right length.
    await db.put('vectors', record('look', 'wide', 'W', new Float32Array(48).fill(0.1), 'm1'));
    await db.put('vectors', record('look', 'old', 'O', vec(1, 0.05), 'm1'));
    // A look with no garment found: its look vector (the mean of none) is zero.
    await db.put('vectors', record('look', 'empty', 'E', new Float32Array(DIM), 'm2'));
    const service = new IndexService(async () => db, DIM);
    expect(await service.load()).toMatchObject({ count: 3, skipped: 2 });
    expect(await service.load('m2')).toMatchObject({ count: 2, skipped: 3 });
    expect(await service.add([record('look', 'empty2', 'E2', new Float32Array(DIM), 'm2')])).toBe(2);
    expect((await service.similarTo('look:new', { kind: 'look', k: 5 })).map((h) => h.id)).toEqual(['look:near']);
    await expect(service.similarTo('look:old', { kind: 'look', k: 5 })).rejects.toThrow(/another model version/);
    await expect(service.similarTo('look:wide', { kind: 'look', k: 5 })).rejects.toThrow(/another model version/);
  });
});
