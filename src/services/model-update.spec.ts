import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../common/db-open';
import type { VectorRecord } from '../../common/db-schema';
import type { Analysis, Reembedding } from '../../common/types';
import { garmentsOfLook, putPendingLook, saveAnalysis, setGarmentType, type MirrorDb } from '../db/looks';
import { ModelUpdate, type ModelUpdateDeps, type ModelUpdateSnapshot } from './model-update';

let n = 0;
const unit = (dim: number, axis = 0) => {
  const v = new Float32Array(dim);
  v[axis % dim] = 1;
  return v;
};

async function collection(looks: number): Promise<MirrorDb> {
  const db = await openMirrorDB({ name: `model-update-test-${++n}` });
  for (let i = 0; i < looks; i++) {
    await putPendingLook(db, {
      id: `L${i}`, name: `${i}.jpg`, addedAt: i, width: 100, height: 200, status: 'pending', caption: '',
      photo: new Blob([`photo ${i}`]), thumb: new Blob(['t']), categories: [], colourNames: [],
    });
    const analysis: Analysis = {
      width: 100, height: 200, people: [], timings: {}, modelVersion: 'v1', lookEmbedding: unit(12),
      garments: [{ category: 'top', box: [10, 10, 50, 50], score: 0.9, colours: [], histogram: [], type: { label: 'T-Shirt', score: 0.6 }, embedding: unit(12, 1) }],
    };
    await saveAnalysis(db, `L${i}`, analysis);
  }
  return db;
}

/** A fake worker on model `version`: 4-d vectors, every top a "Shirt"; fails as told. */
function harness(db: MirrorDb, version = 'v2', fail: (photo: Blob, call: number) => Error | null = () => null) {
  const indexed: VectorRecord[] = [];
  const said: string[] = [];
  const snapshots: ModelUpdateSnapshot[] = [];
  let calls = 0;
  let indexVersion: string | undefined;
  const deps: ModelUpdateDeps = {
    db: async () => db,
    currentVersion: async () => version,
    reembed: async (photo, garments): Promise<Reembedding> => {
      const e = fail(photo, ++calls);
      if (e) throw e;
      return {
        garments: garments.map((g, i) => ({ type: g.category === 'top' ? { label: 'Shirt', score: 0.9 } : undefined, embedding: unit(4, i + 1), colours: [], histogram: [] })),
        lookEmbedding: unit(4),
        modelVersion: version,
      };
    },
    index: {
      add: async (v) => void indexed.push(...v),
      useModelVersion: (v) => void (indexVersion = v),
    },
    changed: () => undefined,
    say: (_kind, text) => void said.push(text),
    isRetryable: (e) => e instanceof Error && e.name === 'WorkerReplaced',
  };
  const update = new ModelUpdate(deps);
  update.subscribe((s) => snapshots.push(s));
  return { update, indexed, said, snapshots, calls: () => calls, indexVersion: () => indexVersion };
}

describe('ModelUpdate', () => {
  it('re-embeds every look on another version with progress, and tells the index which version to keep', async () => {
    const db = await collection(3);
    const h = harness(db);
    await h.update.start();
    expect(h.indexVersion()).toBe('v2');
    expect(h.snapshots.map((s) => s.label).filter(Boolean)).toEqual([
      'Updating your looks for the new model: 0 / 3',
      'Updating your looks for the new model: 1 / 3',
      'Updating your looks for the new model: 2 / 3',
      'Updating your looks for the new model: 3 / 3',
    ]);
    expect(h.update.snapshot()).toMatchObject({ running: false, version: 'v2', failed: 0 });
    expect(h.indexed).toHaveLength(6);
    expect(h.said).toEqual(['Updated 3 looks for the new model.']);
    const vectors = await db.getAll('vectors');
    expect(vectors.every((v) => v.modelVersion === 'v2' && v.vector.length === 4)).toBe(true);
    // Done means done: starting again asks the worker nothing.
    await h.update.start();
    expect(h.calls()).toBe(3);
  });

  it('after an interruption, a new session only does the looks left, and keeps the person’s types', async () => {
    const db = await collection(3);
    const [garment] = await garmentsOfLook(db, 'L2');
    await setGarmentType(db, garment.id, 'Longsleeve');
    // The first session is cut off during its second look (the tab closes: the call never returns).
    const first = harness(db, 'v2', (_photo, call) => (call === 2 ? new Error('tab closed') : null));
    await first.update.start();
    expect((await db.getAll('looks')).map((l) => l.modelVersion)).toEqual(['v2', 'v1', 'v2']);

    const second = harness(db);
    await second.update.start();
    expect(second.calls()).toBe(1);
    expect((await db.getAll('looks')).every((l) => l.modelVersion === 'v2')).toBe(true);
    expect((await garmentsOfLook(db, 'L2'))[0]).toMatchObject({ type: { label: 'Longsleeve' }, typeCorrected: true });
    expect((await garmentsOfLook(db, 'L0'))[0].type).toMatchObject({ label: 'Shirt' });
  });

  it('tries a look again when the worker is replaced under it, and names looks that fail', async () => {
    const db = await collection(2);
    const replaced = Object.assign(new Error('restarted'), { name: 'WorkerReplaced' });
    const h = harness(db, 'v2', (photo, call) => (call === 1 ? replaced : call >= 3 ? new Error('bad photo') : null));
    await h.update.start();
    expect(h.update.snapshot()).toMatchObject({ failed: 1 });
    expect(h.said).toEqual([
      'Updated 1 look for the new model.',
      '1 look could not be updated for the new model; it is left out of similar looks until analysed again.',
    ]);
    expect((await db.get('looks', 'L0'))?.modelVersion).toBe('v2');
  });

  it('a version reported later (an analysis by a newer model) starts the migration again', async () => {
    const db = await collection(1);
    const h = harness(db, 'v2');
    await h.update.start();
    expect(h.calls()).toBe(1);
    const next = harness(db, 'v3');
    await next.update.start('v2');
    expect(next.calls()).toBe(0);
    next.update.heard('v3');
    await next.update.start();
    expect((await db.get('looks', 'L0'))?.modelVersion).toBe('v3');
    expect(await next.update.currentVersion()).toBe('v3');
  });
});
