import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION } from './constants';
import { MIGRATIONS, openMirrorDB } from './db-open';
import type { GarmentRecord, LookRecord } from './db-schema';

let n = 0;

/** A database at `version`, made by the first `version` migration steps, as an older app left it. */
async function databaseAt(version: number) {
  const name = `db-open-${++n}`;
  const old = await openDB(name, version, {
    upgrade: (d, oldVersion, _n, tx) => {
      for (let v = oldVersion; v < version; v++) MIGRATIONS[v](d as never, tx as never);
    },
  });
  return { name, old };
}

const look = (id: string, status: LookRecord['status'], colourNames: string[]): LookRecord => ({
  id,
  name: `${id}.jpg`,
  addedAt: 1,
  width: 10,
  height: 20,
  status,
  caption: '',
  photo: new Blob(['p']),
  thumb: new Blob(['t']),
  categories: status === 'analysed' ? ['outerwear', 'top'] : [],
  colourNames,
});

const garment = (id: string, lookId: string, category: GarmentRecord['category'], colours: GarmentRecord['colours']): GarmentRecord => ({
  id,
  lookId,
  category,
  box: [0, 0, 5, 5],
  score: 0.9,
  colours,
  histogram: [1],
});

describe('database migrations', () => {
  it('names stored colours again with the palette of 2026-12-04 and summarises the looks again (4 -> 5)', async () => {
    expect(DB_VERSION).toBeGreaterThanOrEqual(5);
    const { name, old } = await databaseAt(4);
    await old.put('looks', look('L', 'analysed', ['black', 'burgundy', 'grey']));
    await old.put('looks', look('P', 'pending', []));
    // A burgundy coat named by its shadow and its lit side, a light blue shirt named grey: as the old palette stored them.
    await old.put('garments', garment('coat', 'L', 'outerwear', [
      { name: 'black', rgb: [46, 9, 20], fraction: 0.6 },
      { name: 'burgundy', rgb: [92, 17, 39], fraction: 0.4 },
    ]));
    await old.put('garments', garment('shirt', 'L', 'top', [{ name: 'grey', rgb: [130, 177, 231], fraction: 0.9 }]));
    await old.put('vectors', { id: 'garment:coat', kind: 'garment', lookId: 'L', vector: new Float32Array([1, 0]), modelVersion: 'm1' });
    old.close();

    const db = await openMirrorDB({ name });
    expect((await db.get('garments', 'coat'))?.colours).toEqual([{ name: 'burgundy', rgb: [64, 12, 28], fraction: 1 }]);
    expect(await db.get('garments', 'shirt')).toEqual(garment('shirt', 'L', 'top', [{ name: 'blue', rgb: [130, 177, 231], fraction: 0.9 }]));
    expect(await db.get('looks', 'L')).toMatchObject({ categories: ['top', 'outerwear'], colourNames: ['blue', 'burgundy'], status: 'analysed' });
    expect(await db.get('looks', 'P')).toMatchObject({ categories: [], colourNames: [], status: 'pending' });
    // Nothing else is touched.
    expect(Array.from((await db.get('vectors', 'garment:coat'))!.vector)).toEqual([1, 0]);
    db.close();
  });
});
