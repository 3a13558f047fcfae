import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../common/db-open';
import type { LookRecord } from '../../common/db-schema';
import type { Reembedding } from '../../common/types';
import { garmentsOfLook, putPendingLook, saveAnalysis, setGarmentCategory, setGarmentType, deleteGarment, type MirrorDb } from './looks';
import { looksToReembed, reembedRequest, saveReembedding } from './reembed';
import { analysis, unit } from './analysis-fixture';

let n = 0;
const OLD_DIM = 12;
const NEW_DIM = 4;
async function withLooks(count: number, version = 'old'): Promise<MirrorDb> {
  const db = await openMirrorDB({ name: `reembed-test-${++n}` });
  for (let i = 0; i < count; i++) {
    const look: LookRecord = {
      id: `L${i}`, name: `${i}.jpg`, addedAt: 100 - i, width: 100, height: 200, status: 'pending', caption: '',
      photo: new Blob([`p${i}`]), thumb: new Blob(['t']), categories: [], colourNames: [],
    };
    await putPendingLook(db, look);
    await saveAnalysis(db, look.id, analysis(version, OLD_DIM));
  }
  return db;
}

/** What the new model would give for a request: the same garments in order, new types and 4-d vectors. */
function fakeReembed(garments: { category: string }[], modelVersion = 'new'): Reembedding {
  return {
    garments: garments.map((g, i) => ({
      type: g.category === 'top' ? { label: 'Longsleeve', score: 0.8 } : g.category === 'bottom' ? { label: 'Shorts', score: 0.7 } : undefined,
      embedding: unit(NEW_DIM, i + 1),
      colours: [],
      histogram: [i, 1 - i],
    })),
    lookEmbedding: unit(NEW_DIM),
    modelVersion,
  };
}

async function reembedOne(db: MirrorDb, lookId: string): Promise<void> {
  const request = (await reembedRequest(db, lookId))!;
  expect(await saveReembedding(db, request, fakeReembed(request.garments))).not.toBeNull();
}

describe('re-embedding migration (storage)', () => {
  it('plans the analysed looks on another model version, oldest first, and nothing else', async () => {
    const db = await withLooks(3);
    await putPendingLook(db, { ...(await db.get('looks', 'L0'))!, id: 'P', addedAt: 1 });
    expect(await looksToReembed(db, 'new')).toEqual(['L2', 'L1', 'L0']);
    expect(await looksToReembed(db, 'old')).toEqual([]);
  });

  it('rewrites a look in one go: new vectors and version, same garments, boxes and categories', async () => {
    const db = await withLooks(1);
    const before = await garmentsOfLook(db, 'L0');
    await reembedOne(db, 'L0');
    const after = await garmentsOfLook(db, 'L0');
    expect(after.map((g) => [g.id, g.category, g.box])).toEqual(before.map((g) => [g.id, g.category, g.box]));
    expect(after.map((g) => g.type?.label)).toEqual(['Longsleeve', 'Shorts']);
    const vectors = await db.getAll('vectors');
    expect(vectors).toHaveLength(3);
    expect(vectors.every((v) => v.modelVersion === 'new' && v.vector.length === NEW_DIM)).toBe(true);
    expect((await db.get('looks', 'L0'))?.modelVersion).toBe('new');
    expect(await looksToReembed(db, 'new')).toEqual([]);
  });

  it('resumes after an interruption: looks done stay done, the rest are planned again', async () => {
    const db = await withLooks(4);
    const plan = await looksToReembed(db, 'new');
    // The tab closes after two looks: a request made for the third is never saved.
    await reembedOne(db, plan[0]);
    await reembedOne(db, plan[1]);
    await reembedRequest(db, plan[2]);
    expect(await looksToReembed(db, 'new')).toEqual(plan.slice(2));
    // Every look is whole: all its vectors on one version.
    for (const id of plan) {
      const versions = new Set((await db.getAllFromIndex('vectors', 'byLook', id)).map((v) => v.modelVersion));
      expect(versions.size, id).toBe(1);
    }
  });

  it('keeps what the person corrected (chosen types, and the type of a garment whose category changed meanwhile); colour histograms are always new', async () => {
    const db = await withLooks(1);
    const [top, bottom] = await garmentsOfLook(db, 'L0');
    await setGarmentType(db, top.id, 'Shirt');
    const request = (await reembedRequest(db, 'L0'))!;
    // While the worker runs, the person says the bottom is a dress.
    await setGarmentCategory(db, bottom.id, 'dress', { label: 'Dress', score: 1 });
    await saveReembedding(db, request, fakeReembed(request.garments));
    const after = await garmentsOfLook(db, 'L0');
    expect(after.find((g) => g.id === top.id)).toMatchObject({ type: { label: 'Shirt', score: 1 }, typeCorrected: true });
    expect(after.find((g) => g.id === bottom.id)).toMatchObject({ category: 'dress', corrected: true, type: { label: 'Dress' } });
    expect((await db.get('vectors', `garment:${top.id}`))?.modelVersion).toBe('new');
    const asked = request.garments.map((g) => g.id);
    expect(after.find((g) => g.id === top.id)?.histogram).toEqual([asked.indexOf(top.id), 1 - asked.indexOf(top.id)]);
    expect(after.find((g) => g.id === bottom.id)?.histogram).toEqual([asked.indexOf(bottom.id), 1 - asked.indexOf(bottom.id)]);
  });

  it('skips garments deleted meanwhile and writes nothing for a look deleted or analysed again meanwhile', async () => {
    const db = await withLooks(2);
    const request = (await reembedRequest(db, 'L0'))!;
    await deleteGarment(db, request.garments[1].id);
    await saveReembedding(db, request, fakeReembed(request.garments));
    expect((await db.getAllFromIndex('vectors', 'byLook', 'L0')).map((v) => v.id).sort()).toEqual(['garment:' + request.garments[0].id, 'look:L0'].sort());

    const stale = (await reembedRequest(db, 'L1'))!;
    await saveAnalysis(db, 'L1', analysis('new', NEW_DIM));
    expect(await saveReembedding(db, stale, fakeReembed(stale.garments))).toBeNull();
    await expect(saveReembedding(db, stale, fakeReembed([]))).rejects.toThrow(/2 asked/);
  });
});

describe('re-analysis keeps corrections', () => {
  it('a new analysis keeps the ids, corrected categories and chosen types of garments in the same place', async () => {
    const db = await withLooks(1);
    const [top, bottom] = await garmentsOfLook(db, 'L0');
    await setGarmentType(db, top.id, 'Shirt');
    await setGarmentCategory(db, bottom.id, 'dress');
    const again = analysis('new', NEW_DIM);
    // Boxes moved a little (IoU > 0.5): still the same garments.
    again.garments[0].box = [12, 22, 50, 60];
    await saveAnalysis(db, 'L0', again);
    const after = await garmentsOfLook(db, 'L0');
    expect(after.map((g) => g.id)).toEqual([top.id, bottom.id]);
    expect(after[0]).toMatchObject({ category: 'top', type: { label: 'Shirt' }, typeCorrected: true });
    expect(after[1]).toMatchObject({ category: 'dress', corrected: true });
    // "Pants" was the model's type for a bottom: it does not describe the person's dress.
    expect(after[1].type).toBeUndefined();
  });
});
