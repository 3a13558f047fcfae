/**
 * Page-side data access for looks, garments and their vectors. Every write that touches more than one
 * store happens in one transaction with no awaits inside other than that transaction's own requests, so a
 * look is either fully stored with its analysis or stored as pending, never half written.
 */
import type { IDBPDatabase } from 'idb';
import { CATEGORIES, type Category } from '../../common/categories';
import {
  vectorId,
  type GarmentRecord,
  type LookRecord,
  type MirrorDB,
  type VectorRecord,
} from '../../common/db-schema';
import type { Analysis, GarmentColour } from '../../common/types';

export type MirrorDb = IDBPDatabase<MirrorDB>;

/** A garment's colours worth naming: the main one plus any covering at least this fraction (0..1). */
const NAMED_COLOUR_FRACTION = 0.25;

export function namedColours(colours: GarmentColour[]): string[] {
  const sorted = [...colours].sort((a, b) => b.fraction - a.fraction);
  return sorted.filter((c, i) => i === 0 || c.fraction >= NAMED_COLOUR_FRACTION).map((c) => c.name);
}

/** The look's filterable summary of its garments: unique categories in vocabulary order, colours A-Z. */
export function summarise(garments: Pick<GarmentRecord, 'category' | 'colours'>[]): {
  categories: Category[];
  colourNames: string[];
} {
  const present = new Set(garments.map((g) => g.category));
  const categories = CATEGORIES.filter((c) => present.has(c));
  const colourNames = [...new Set(garments.flatMap((g) => namedColours(g.colours)))].sort((a, b) => a.localeCompare(b));
  return { categories, colourNames };
}

export const newId = (): string => crypto.randomUUID();

export async function putPendingLook(db: MirrorDb, look: LookRecord): Promise<void> {
  await db.put('looks', { ...look, status: 'pending' });
}

/**
 * Writes the garments and vectors of an analysis and marks the look analysed, replacing any earlier
 * analysis of that look, in one transaction. Returns the vectors written, for the search index.
 */
export async function saveAnalysis(db: MirrorDb, lookId: string, analysis: Analysis): Promise<VectorRecord[]> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const looks = tx.objectStore('looks');
  const garmentStore = tx.objectStore('garments');
  const vectorStore = tx.objectStore('vectors');
  const look = await looks.get(lookId);
  if (!look) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new Error('the look was deleted before its analysis was saved');
  }
  const oldGarments = await garmentStore.index('byLook').getAllKeys(lookId);
  const oldVectors = await vectorStore.index('byLook').getAllKeys(lookId);
  const garments: GarmentRecord[] = analysis.garments.map((g) => ({
    id: newId(),
    lookId,
    category: g.category,
    box: g.box,
    score: g.score,
    colours: g.colours,
  }));
  const vectors: VectorRecord[] = [
    { id: vectorId('look', lookId), kind: 'look', lookId, vector: analysis.lookEmbedding, modelVersion: analysis.modelVersion },
    ...analysis.garments.map((g, i): VectorRecord => ({
      id: vectorId('garment', garments[i].id),
      kind: 'garment',
      lookId,
      vector: g.embedding,
      modelVersion: analysis.modelVersion,
    })),
  ];
  const writes: Promise<unknown>[] = [
    ...oldGarments.map((k) => garmentStore.delete(k)),
    ...oldVectors.map((k) => vectorStore.delete(k)),
    ...garments.map((g) => garmentStore.put(g)),
    ...vectors.map((v) => vectorStore.put(v)),
    looks.put({
      ...look,
      ...summarise(garments),
      status: 'analysed',
      error: undefined,
      modelVersion: analysis.modelVersion,
    }),
  ];
  await Promise.all([...writes, tx.done]);
  return vectors;
}

export async function markLook(db: MirrorDb, lookId: string, status: 'pending' | 'failed', error?: string): Promise<void> {
  const tx = db.transaction('looks', 'readwrite');
  const look = await tx.store.get(lookId);
  if (look) await tx.store.put({ ...look, status, error });
  await tx.done;
}

export async function listLooks(db: MirrorDb): Promise<LookRecord[]> {
  return db.getAll('looks');
}

export const getLook = (db: MirrorDb, id: string): Promise<LookRecord | undefined> => db.get('looks', id);
export const getGarment = (db: MirrorDb, id: string): Promise<GarmentRecord | undefined> => db.get('garments', id);

export async function garmentsOfLook(db: MirrorDb, lookId: string): Promise<GarmentRecord[]> {
  const garments = await db.getAllFromIndex('garments', 'byLook', lookId);
  // Top to bottom, then left to right, as a person reads an outfit.
  return garments.sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}

export async function pendingLookIds(db: MirrorDb): Promise<string[]> {
  return db.getAllKeysFromIndex('looks', 'byStatus', 'pending');
}

/** The person corrects a garment's category; the look's summary follows, in one transaction. */
export async function setGarmentCategory(db: MirrorDb, garmentId: string, category: Category): Promise<void> {
  const tx = db.transaction(['looks', 'garments'], 'readwrite');
  const garments = tx.objectStore('garments');
  const garment = await garments.get(garmentId);
  if (!garment) throw new Error('this item no longer exists');
  const updated = { ...garment, category, corrected: true };
  const siblings = (await garments.index('byLook').getAll(garment.lookId)).map((g) => (g.id === garmentId ? updated : g));
  const look = await tx.objectStore('looks').get(garment.lookId);
  await Promise.all([
    garments.put(updated),
    look ? tx.objectStore('looks').put({ ...look, ...summarise(siblings) }) : undefined,
    tx.done,
  ]);
}

/** Removes a wrong garment and its vector, and updates the look's summary, in one transaction. */
export async function deleteGarment(db: MirrorDb, garmentId: string): Promise<string> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const garments = tx.objectStore('garments');
  const garment = await garments.get(garmentId);
  if (!garment) throw new Error('this item no longer exists');
  const rest = (await garments.index('byLook').getAll(garment.lookId)).filter((g) => g.id !== garmentId);
  const look = await tx.objectStore('looks').get(garment.lookId);
  const vid = vectorId('garment', garmentId);
  await Promise.all([
    garments.delete(garmentId),
    tx.objectStore('vectors').delete(vid),
    look ? tx.objectStore('looks').put({ ...look, ...summarise(rest) }) : undefined,
    tx.done,
  ]);
  return vid;
}

export async function setCaption(db: MirrorDb, lookId: string, caption: string): Promise<void> {
  const tx = db.transaction('looks', 'readwrite');
  const look = await tx.store.get(lookId);
  if (!look) throw new Error('this look no longer exists');
  await Promise.all([tx.store.put({ ...look, caption }), tx.done]);
}

/** Removes a look with its garments and vectors in one transaction. */
export async function deleteLook(db: MirrorDb, lookId: string): Promise<void> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const garmentKeys = await tx.objectStore('garments').index('byLook').getAllKeys(lookId);
  const vectorKeys = await tx.objectStore('vectors').index('byLook').getAllKeys(lookId);
  await Promise.all([
    tx.objectStore('looks').delete(lookId),
    ...garmentKeys.map((k) => tx.objectStore('garments').delete(k)),
    ...vectorKeys.map((k) => tx.objectStore('vectors').delete(k)),
    tx.done,
  ]);
}

/**
 * Empties every store of the person's own data: looks, garments, vectors, settings, wardrobe pieces and
 * the network ledger. Installed packs stay (published content, like the models in Cache Storage).
 */
export async function clearAll(db: MirrorDb): Promise<void> {
  const tx = db.transaction(['looks', 'garments', 'vectors', 'settings', 'pieces', 'network'], 'readwrite');
  await Promise.all([
    tx.objectStore('looks').clear(),
    tx.objectStore('garments').clear(),
    tx.objectStore('vectors').clear(),
    tx.objectStore('settings').clear(),
    tx.objectStore('pieces').clear(),
    tx.objectStore('network').clear(),
    tx.done,
  ]);
}

export const getSetting = (db: MirrorDb, key: string): Promise<unknown> => db.get('settings', key);
export async function setSetting(db: MirrorDb, key: string, value: unknown): Promise<void> {
  await db.put('settings', value, key);
}
