import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../common/db-open';
import { EMBEDDING_DIM } from '../../common/constants';
import type { Analysis } from '../../common/types';
import { deleteGarment, deleteLook, garmentsOfLook, putPendingLook, saveAnalysis, setGarmentCategory, clearAll } from './looks';

let n = 0;
const v = () => new Float32Array(EMBEDDING_DIM).fill(1 / Math.sqrt(EMBEDDING_DIM));
const analysis: Analysis = {
  width: 10,
  height: 20,
  people: [],
  garments: [
    { category: 'top', box: [0, 0, 5, 5], score: 0.8, colours: [{ name: 'navy', rgb: [0, 0, 80], fraction: 1 }], histogram: [], embedding: v() },
    { category: 'shoes', box: [0, 15, 5, 5], score: 0.7, colours: [{ name: 'white', rgb: [255, 255, 255], fraction: 1 }], histogram: [], embedding: v() },
  ],
  lookEmbedding: v(),
  modelVersion: 'm1',
  timings: {},
};

async function stored() {
  const db = await openMirrorDB({ name: `looks-test-${++n}` });
  await putPendingLook(db, {
    id: 'L',
    name: 'a.jpg',
    addedAt: 1,
    width: 10,
    height: 20,
    status: 'pending',
    caption: '',
    photo: new Blob(['p']),
    thumb: new Blob(['t']),
    categories: [],
    colourNames: [],
  });
  await saveAnalysis(db, 'L', analysis);
  return db;
}

describe('look storage', () => {
  it('re-analysing a look replaces its garments and vectors instead of adding to them', async () => {
    const db = await stored();
    await saveAnalysis(db, 'L', analysis);
    expect(await db.count('garments')).toBe(2);
    expect(await db.count('vectors')).toBe(3);
  });

  it('correcting a category updates the garment and the look summary', async () => {
    const db = await stored();
    const [top] = await garmentsOfLook(db, 'L');
    await setGarmentCategory(db, top.id, 'outerwear');
    expect(await db.get('garments', top.id)).toMatchObject({ category: 'outerwear', corrected: true });
    expect((await db.get('looks', 'L'))?.categories).toEqual(['outerwear', 'shoes']);
  });

  it('deleting a garment removes its vector and updates the look', async () => {
    const db = await stored();
    const [, shoes] = await garmentsOfLook(db, 'L');
    expect(await deleteGarment(db, shoes.id)).toBe(`garment:${shoes.id}`);
    expect(await db.get('vectors', `garment:${shoes.id}`)).toBeUndefined();
    expect(await db.get('looks', 'L')).toMatchObject({ categories: ['top'], colourNames: ['navy'] });
  });

  it('deleting a look removes its garments and vectors; clearing empties everything', async () => {
    const db = await stored();
    await deleteLook(db, 'L');
    expect([await db.count('looks'), await db.count('garments'), await db.count('vectors')]).toEqual([0, 0, 0]);
    const again = await stored();
    await again.put('outfitFeedback', { key: 'g1+g2', garmentIds: ['g1', 'g2'], verdict: 'like', source: 'dress-me', at: 1 });
    await clearAll(again);
    expect(await again.count('looks')).toBe(0);
    expect(await again.count('outfitFeedback')).toBe(0);
  });
});
