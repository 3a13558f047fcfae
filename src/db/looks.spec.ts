import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../common/db-open';
import { EMBEDDING_DIM } from '../../common/constants';
import type { Analysis } from '../../common/types';
import { lookVector } from '../../workers/pipeline/look-vector';
import {
  addGarment,
  deleteGarment,
  deleteLook,
  garmentsOfLook,
  markLook,
  putPendingLook,
  redrawGarment,
  saveAnalysis,
  setGarmentCategory,
  setGarmentType,
  clearAll,
  type MarkedGarment,
} from './looks';

let n = 0;
const v = () => new Float32Array(EMBEDDING_DIM).fill(1 / Math.sqrt(EMBEDDING_DIM));
/** A unit vector along axis `k`. */
const axis = (k: number) => Float32Array.from({ length: EMBEDDING_DIM }, (_, i) => (i === k ? 1 : 0));
const analysis: Analysis = {
  width: 10,
  height: 20,
  people: [],
  garments: [
    { category: 'top', box: [0, 0, 5, 5], score: 0.8, colours: [{ name: 'navy', rgb: [0, 0, 80], fraction: 1 }], histogram: [], embedding: axis(0) },
    { category: 'shoes', box: [0, 15, 5, 5], score: 0.7, colours: [{ name: 'white', rgb: [255, 255, 255], fraction: 1 }], histogram: [], embedding: axis(1) },
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

  it('correcting a category updates the garment, the look summary and the look vector', async () => {
    const db = await stored();
    const [top] = await garmentsOfLook(db, 'L');
    const rebuilt = await setGarmentCategory(db, top.id, 'outerwear');
    expect(await db.get('garments', top.id)).toMatchObject({ category: 'outerwear', corrected: true });
    expect((await db.get('looks', 'L'))?.categories).toEqual(['outerwear', 'shoes']);
    // The look vector binds each garment's vector to its (corrected) category.
    const expected = lookVector([{ category: 'outerwear', embedding: axis(0) }, { category: 'shoes', embedding: axis(1) }]);
    expect(rebuilt).toMatchObject({ id: 'look:L', kind: 'look', lookId: 'L', modelVersion: 'm1' });
    expect(Array.from(rebuilt!.vector)).toEqual(Array.from(expected));
    expect(Array.from((await db.get('vectors', 'look:L'))!.vector)).toEqual(Array.from(expected));
  });

  it('deleting a garment removes its vector and updates the look and its look vector', async () => {
    const db = await stored();
    const [, shoes] = await garmentsOfLook(db, 'L');
    const { vid, look } = await deleteGarment(db, shoes.id);
    expect(vid).toBe(`garment:${shoes.id}`);
    expect(await db.get('vectors', `garment:${shoes.id}`)).toBeUndefined();
    expect(await db.get('looks', 'L')).toMatchObject({ categories: ['top'], colourNames: ['navy'] });
    const expected = Array.from(lookVector([{ category: 'top', embedding: axis(0) }]));
    expect(Array.from(look!.vector)).toEqual(expected);
    expect(Array.from((await db.get('vectors', 'look:L'))!.vector)).toEqual(expected);
  });

  it('keeps the look vector when a garment vector is of another model (the re-embedding rebuilds it)', async () => {
    const db = await stored();
    const [top, shoes] = await garmentsOfLook(db, 'L');
    const old = await db.get('vectors', `garment:${shoes.id}`);
    await db.put('vectors', { ...old!, modelVersion: 'm0' });
    const before = Array.from((await db.get('vectors', 'look:L'))!.vector);
    expect(await setGarmentCategory(db, top.id, 'outerwear')).toBeNull();
    expect(Array.from((await db.get('vectors', 'look:L'))!.vector)).toEqual(before);
    expect((await db.get('looks', 'L'))?.categories).toEqual(['outerwear', 'shoes']);
  });

  it('a garment the person marks joins the look: garment, vector, summary and look vector in one go', async () => {
    const db = await stored();
    const scarf: MarkedGarment = {
      category: 'accessory',
      box: [2, 3, 4, 5],
      found: { embedding: axis(2), colours: [{ name: 'red', rgb: [200, 0, 0], fraction: 1 }], histogram: [0.5, 0.5] },
      modelVersion: 'm1',
    };
    const { garment, vectors } = await addGarment(db, 'L', scarf);
    expect(garment).toMatchObject({ lookId: 'L', category: 'accessory', box: [2, 3, 4, 5], score: 1, corrected: true, marked: true, histogram: [0.5, 0.5] });
    expect(garment.type).toBeUndefined();
    expect(await db.get('garments', garment.id)).toEqual(garment);
    expect(vectors.map((x) => x.id)).toEqual([`garment:${garment.id}`, 'look:L']);
    expect(Array.from((await db.get('vectors', `garment:${garment.id}`))!.vector)).toEqual(Array.from(axis(2)));
    const expected = lookVector([{ category: 'top', embedding: axis(0) }, { category: 'shoes', embedding: axis(1) }, { category: 'accessory', embedding: axis(2) }]);
    expect(Array.from((await db.get('vectors', 'look:L'))!.vector)).toEqual(Array.from(expected));
    expect(await db.get('looks', 'L')).toMatchObject({ categories: ['top', 'shoes', 'accessory'], colourNames: ['navy', 'red', 'white'] });
    // A type found for the category is kept.
    const { garment: shirt } = await addGarment(db, 'L', { ...scarf, category: 'top', found: { ...scarf.found, type: { label: 'Shirt', score: 0.7 } } });
    expect(shirt.type).toEqual({ label: 'Shirt', score: 0.7 });
    expect(await db.count('garments')).toBe(4);
  });

  it('a marked garment is refused, and nothing written, when the look is on another model or gone', async () => {
    const db = await stored();
    const marked: MarkedGarment = { category: 'bag', box: [1, 1, 3, 3], found: { embedding: axis(3), colours: [], histogram: [] }, modelVersion: 'm2' };
    const before = [await db.count('garments'), await db.count('vectors'), Array.from((await db.get('vectors', 'look:L'))!.vector)];
    await expect(addGarment(db, 'L', marked)).rejects.toThrow(/being updated for the new model/);
    await markLook(db, 'L', 'pending');
    await expect(addGarment(db, 'L', { ...marked, modelVersion: 'm1' })).rejects.toThrow(/not analysed/);
    await expect(addGarment(db, 'nope', { ...marked, modelVersion: 'm1' })).rejects.toThrow(/no longer exists/);
    expect([await db.count('garments'), await db.count('vectors'), Array.from((await db.get('vectors', 'look:L'))!.vector)]).toEqual(before);
  });

  it('a garment whose box the person draws again keeps its id, category and chosen type; its pixels give the rest', async () => {
    const db = await stored();
    const [top, shoes] = await garmentsOfLook(db, 'L');
    await setGarmentType(db, top.id, 'Shirt');
    const drawn: MarkedGarment = {
      category: 'top',
      box: [1, 2, 6, 7],
      found: { embedding: axis(4), colours: [{ name: 'red', rgb: [200, 0, 0], fraction: 1 }], histogram: [1], type: { label: 'T-Shirt', score: 0.9 } },
      modelVersion: 'm1',
    };
    const { garment, vectors } = await redrawGarment(db, top, drawn);
    expect(garment).toEqual({
      id: top.id,
      lookId: 'L',
      category: 'top',
      box: [1, 2, 6, 7],
      score: 1,
      colours: drawn.found.colours,
      histogram: [1],
      marked: true,
      type: { label: 'Shirt', score: 1 },
      typeCorrected: true,
    });
    expect(await db.get('garments', top.id)).toEqual(garment);
    expect(await db.count('garments')).toBe(2);
    expect(vectors.map((x) => x.id)).toEqual([`garment:${top.id}`, 'look:L']);
    expect(Array.from((await db.get('vectors', `garment:${top.id}`))!.vector)).toEqual(Array.from(axis(4)));
    const expected = lookVector([{ category: 'top', embedding: axis(4) }, { category: 'shoes', embedding: axis(1) }]);
    expect(Array.from((await db.get('vectors', 'look:L'))!.vector)).toEqual(Array.from(expected));
    expect((await db.get('looks', 'L'))?.colourNames).toEqual(['red', 'white']);
    // Without a chosen type, the new pixels' type is taken; a corrected category stays marked as corrected.
    await setGarmentCategory(db, shoes.id, 'bag');
    const bag = await redrawGarment(db, shoes, { ...drawn, category: 'bag', found: { ...drawn.found, type: undefined } });
    expect(bag.garment).toMatchObject({ id: shoes.id, category: 'bag', corrected: true, marked: true });
    expect(bag.garment.type).toBeUndefined();
    // A garment deleted meanwhile is not written again.
    await deleteGarment(db, shoes.id);
    await expect(redrawGarment(db, shoes, drawn)).rejects.toThrow(/no longer exists/);
    expect(await db.count('garments')).toBe(1);
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
