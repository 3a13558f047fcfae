/**
 * Page-side data access for looks, garments and their vectors. Every write that touches more than one
 * store happens in one transaction with no awaits inside other than that transaction's own requests, so a
 * look is either fully stored with its analysis or stored as pending, never half written.
 */
import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { iou } from '../../common/boxes';
import type { Category } from '../../common/categories';
import { summarise } from '../../common/look-summary';
import {
  vectorId,
  type GarmentRecord,
  type LookRecord,
  type MirrorDB,
  type VectorRecord,
} from '../../common/db-schema';
import type { Analysis, Box, GarmentTypeGuess, Reembedding } from '../../common/types';
import { lookVector } from '../../workers/pipeline/look-vector';

export type MirrorDb = IDBPDatabase<MirrorDB>;

export const newId = (): string => crypto.randomUUID();

export async function putPendingLook(db: MirrorDb, look: LookRecord): Promise<void> {
  await db.put('looks', { ...look, status: 'pending' });
}

/** A new garment takes over an old one's id and corrections when their boxes overlap at least this much (IoU). */
const SAME_GARMENT_IOU = 0.5;

/**
 * Pairs each garment of a new analysis with the old garment it is (greedy by IoU, one to one); returns,
 * per new garment, the old one or undefined.
 */
function matchOld(old: GarmentRecord[], boxes: Box[]): (GarmentRecord | undefined)[] {
  const pairs: { o: number; n: number; overlap: number }[] = [];
  old.forEach((g, o) => boxes.forEach((b, n) => {
    const overlap = iou(g.box, b);
    if (overlap >= SAME_GARMENT_IOU) pairs.push({ o, n, overlap });
  }));
  pairs.sort((a, b) => b.overlap - a.overlap);
  const out: (GarmentRecord | undefined)[] = boxes.map(() => undefined);
  const used = new Set<number>();
  for (const { o, n } of pairs) {
    if (used.has(o) || out[n]) continue;
    used.add(o);
    out[n] = old[o];
  }
  return out;
}

/**
 * Writes the garments and vectors of an analysis and marks the look analysed, replacing any earlier
 * analysis of that look, in one transaction. Returns the vectors written, for the search index.
 *
 * What the person corrected survives a re-analysis: a new garment whose box overlaps an old one (IoU >=
 * 0.5) keeps that garment's id (so wardrobe pieces keep it), and its category and type where the person
 * corrected them.
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
  const previous = await garmentStore.index('byLook').getAll(lookId);
  const oldVectors = await vectorStore.index('byLook').getAllKeys(lookId);
  const kept = matchOld(previous, analysis.garments.map((g) => g.box));
  const garments: GarmentRecord[] = analysis.garments.map((g, i) => {
    const old = kept[i];
    const record: GarmentRecord = {
      id: old?.id ?? newId(),
      lookId,
      category: old?.corrected ? old.category : g.category,
      box: g.box,
      score: g.score,
      colours: g.colours,
      histogram: g.histogram,
    };
    if (old?.corrected) record.corrected = true;
    // The model's type was chosen for the model's category: it goes when the person's category differs.
    const type = old?.typeCorrected ? old.type : record.category === g.category ? g.type : undefined;
    if (type) record.type = type;
    if (old?.typeCorrected) record.typeCorrected = true;
    return record;
  });
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
  const keptIds = new Set(garments.map((g) => g.id));
  const writes: Promise<unknown>[] = [
    ...previous.filter((g) => !keptIds.has(g.id)).map((g) => garmentStore.delete(g.id)),
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

/**
 * The look vector of a look whose garments were edited (a corrected category, a deleted garment): lookVector of
 * the garments left, each bound to its category, from their stored vectors; read and written in the edit's
 * transaction. Null, and the stored look vector kept, when it cannot be rebuilt: no garment left, or a garment
 * vector missing or of another model than the look vector (the re-embedding for the new model rebuilds it).
 */
async function rebuildLookVector(
  vectors: IDBPObjectStore<MirrorDB, ('looks' | 'garments' | 'vectors')[], 'vectors', 'readwrite'>,
  lookId: string,
  garments: GarmentRecord[],
): Promise<VectorRecord | null> {
  const look = await vectors.get(vectorId('look', lookId));
  if (!look || garments.length === 0) return null;
  const own = await Promise.all(garments.map((g) => vectors.get(vectorId('garment', g.id))));
  if (own.some((v) => !v || v.modelVersion !== look.modelVersion || v.vector.length !== look.vector.length)) return null;
  const rebuilt: VectorRecord = { ...look, vector: lookVector(garments.map((g, i) => ({ category: g.category, embedding: own[i]!.vector }))) };
  await vectors.put(rebuilt);
  return rebuilt;
}

/**
 * The person corrects a garment's category: the garment, the look's summary and its look vector (which binds each
 * garment to its category) change together. `type` is the garment's type afterwards (the caller keeps the old one
 * only if it fits the new category); without one, the type is cleared and the next re-embedding names one that fits.
 * Returns the new look vector for the search index, or null.
 */
export async function setGarmentCategory(db: MirrorDb, garmentId: string, category: Category, type?: GarmentTypeGuess): Promise<VectorRecord | null> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const garments = tx.objectStore('garments');
  const garment = await garments.get(garmentId);
  if (!garment) throw new Error('this item no longer exists');
  const { type: _old, typeCorrected, ...rest } = garment;
  const updated: GarmentRecord = { ...rest, category, corrected: true };
  if (type) {
    updated.type = type;
    if (typeCorrected) updated.typeCorrected = true;
  }
  const siblings = (await garments.index('byLook').getAll(garment.lookId)).map((g) => (g.id === garmentId ? updated : g));
  const look = await tx.objectStore('looks').get(garment.lookId);
  const lookVec = await rebuildLookVector(tx.objectStore('vectors'), garment.lookId, siblings);
  await Promise.all([
    garments.put(updated),
    look ? tx.objectStore('looks').put({ ...look, ...summarise(siblings) }) : undefined,
    tx.done,
  ]);
  return lookVec;
}

/** The person chooses a garment's type (a label that fits its category): kept from then on. */
export async function setGarmentType(db: MirrorDb, garmentId: string, label: string): Promise<GarmentRecord> {
  const tx = db.transaction('garments', 'readwrite');
  const garment = await tx.store.get(garmentId);
  if (!garment) throw new Error('this item no longer exists');
  // The person's choice is certain: score 1.
  const updated: GarmentRecord = { ...garment, type: { label, score: 1 }, typeCorrected: true };
  await Promise.all([tx.store.put(updated), tx.done]);
  return updated;
}

/** Deletes a garment and its vector; the look's summary and look vector follow. Returns the deleted vector's id and the new look vector (or null). */
export async function deleteGarment(db: MirrorDb, garmentId: string): Promise<{ vid: string; look: VectorRecord | null }> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const garments = tx.objectStore('garments');
  const garment = await garments.get(garmentId);
  if (!garment) throw new Error('this item no longer exists');
  const rest = (await garments.index('byLook').getAll(garment.lookId)).filter((g) => g.id !== garmentId);
  const look = await tx.objectStore('looks').get(garment.lookId);
  const lookVec = await rebuildLookVector(tx.objectStore('vectors'), garment.lookId, rest);
  const vid = vectorId('garment', garmentId);
  await Promise.all([
    garments.delete(garmentId),
    tx.objectStore('vectors').delete(vid),
    look ? tx.objectStore('looks').put({ ...look, ...summarise(rest) }) : undefined,
    tx.done,
  ]);
  return { vid, look: lookVec };
}

/** A garment the person marked on the photo: its box and category, and what the vision worker made of those pixels. */
export interface MarkedGarment {
  category: Category;
  box: Box;
  /** Reembedding's entry for it, and the model version that made it. */
  found: Reembedding['garments'][number];
  modelVersion: string;
}

/** Why a garment marked on the photo of `look` cannot be written now, or null when it can. */
function markRefusal(look: LookRecord | undefined, modelVersion: string): string | null {
  if (!look) return 'the look no longer exists';
  if (look.status !== 'analysed') return 'the look is not analysed yet';
  // A model update is under way: the look's vectors and the marked garment's would not compare.
  if (look.modelVersion !== modelVersion) return 'the look is being updated for the new model: try again when that is done';
  return null;
}

/**
 * The garment record of a box the person drew: marked, score 1 (the box is the person's), colours, histogram and
 * type from its pixels. `before` is the garment whose box it replaces: its id stays, and so do its category and its
 * type where the person chose them.
 */
function markedRecord(lookId: string, marked: MarkedGarment, before?: GarmentRecord): GarmentRecord {
  const { found } = marked;
  const garment: GarmentRecord = {
    id: before?.id ?? newId(),
    lookId,
    category: marked.category,
    box: marked.box,
    score: 1,
    colours: found.colours,
    histogram: found.histogram,
    // A new item's category is the person's; a redrawn one's is as corrected as it was.
    corrected: before ? before.corrected === true : true,
    marked: true,
  };
  if (!garment.corrected) delete garment.corrected;
  const type = before?.typeCorrected ? before.type : found.type;
  if (type) garment.type = type;
  if (before?.typeCorrected) garment.typeCorrected = true;
  return garment;
}

/**
 * Writes a marked garment (new, or one whose box the person drew again) with its vector, the look's summary and its
 * look vector, in one transaction. Refused, with nothing written, when the look is gone, not analysed, or on another
 * model version than the new vector. Returns the garment and the vectors written, for the search index.
 */
async function putMarked(
  db: MirrorDb,
  lookId: string,
  marked: MarkedGarment,
  replacing?: string,
): Promise<{ garment: GarmentRecord; vectors: VectorRecord[] }> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const looks = tx.objectStore('looks');
  const garments = tx.objectStore('garments');
  const vectors = tx.objectStore('vectors');
  const look = await looks.get(lookId);
  const before = replacing === undefined ? undefined : await garments.get(replacing);
  const problem = replacing !== undefined && before?.lookId !== lookId ? 'this item no longer exists' : markRefusal(look, marked.modelVersion);
  if (problem || !look) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new Error(problem ?? 'the look no longer exists');
  }
  const garment = markedRecord(lookId, marked, before);
  const own: VectorRecord = { id: vectorId('garment', garment.id), kind: 'garment', lookId, vector: marked.found.embedding, modelVersion: marked.modelVersion };
  await vectors.put(own);
  const all = [...(await garments.index('byLook').getAll(lookId)).filter((g) => g.id !== garment.id), garment];
  const lookVec = await rebuildLookVector(vectors, lookId, all);
  await Promise.all([garments.put(garment), looks.put({ ...look, ...summarise(all) }), tx.done]);
  return { garment, vectors: lookVec ? [own, lookVec] : [own] };
}

/**
 * Adds a garment the person marked (one the detector missed) to an analysed look: the garment (`marked`; its
 * category set by the person, so `corrected`; score 1), its vector, the look's summary and its look vector, in one
 * transaction (putMarked).
 */
export function addGarment(db: MirrorDb, lookId: string, marked: MarkedGarment): Promise<{ garment: GarmentRecord; vectors: VectorRecord[] }> {
  return putMarked(db, lookId, marked);
}

/**
 * The person draws a garment's box again (the detector's was off, or their own mark was): the garment keeps its id
 * (wardrobe pieces and likes keep it), its category and a type they chose; its box, colours, histogram, vector and
 * the look vector are those of the new pixels, written in one transaction (putMarked).
 */
export function redrawGarment(db: MirrorDb, garment: Pick<GarmentRecord, 'id' | 'lookId'>, marked: MarkedGarment): Promise<{ garment: GarmentRecord; vectors: VectorRecord[] }> {
  return putMarked(db, garment.lookId, marked, garment.id);
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
  const tx = db.transaction(['looks', 'garments', 'vectors', 'settings', 'pieces', 'network', 'outfitFeedback', 'outfitTaste'], 'readwrite');
  await Promise.all([
    tx.objectStore('outfitFeedback').clear(),
    tx.objectStore('outfitTaste').clear(),
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
