/**
 * The re-embedding migration's storage side. When the vision models change (a new modelVersion), every
 * analysed look's vectors are made again from its stored photo with the garments it already has (ids,
 * categories, boxes, corrections and wardrobe pieces stay). Each look is rewritten in ONE transaction that
 * also sets the look's modelVersion, so the look record says whether the look is done: a reload mid-way
 * resumes with the looks still on another version, and no look is ever half written.
 */
import type { Category } from '../../common/categories';
import { vectorId, type GarmentRecord, type VectorRecord } from '../../common/db-schema';
import type { Box, Reembedding } from '../../common/types';
import { garmentsOfLook, type MirrorDb } from './looks';

/**
 * Analysed looks whose vectors come from another model version than `current`, oldest first (the order
 * the person added them). Pending looks are analysed afresh by ingest; failed ones have no vectors.
 */
export async function looksToReembed(db: MirrorDb, current: string): Promise<string[]> {
  const ids: string[] = [];
  // A cursor over the byAdded index gives the order without reading the looks into one array first.
  let cursor = await db.transaction('looks').store.index('byAdded').openCursor();
  while (cursor) {
    const look = cursor.value;
    if (look.status === 'analysed' && look.modelVersion !== current) ids.push(look.id);
    cursor = await cursor.continue();
  }
  return ids;
}

/** How many analysed looks there are, and how many of them are on `current` (for the progress shown). */
export async function reembedCounts(db: MirrorDb, current: string): Promise<{ analysed: number; current: number }> {
  const looks = await db.getAllFromIndex('looks', 'byStatus', 'analysed');
  return { analysed: looks.length, current: looks.filter((l) => l.modelVersion === current).length };
}

/** What is sent to the vision worker for one look: its garments, in the order the result comes back. */
export interface ReembedRequest {
  lookId: string;
  photo: Blob;
  /** The model version the look was on when the request was made. */
  fromVersion: string | undefined;
  garments: { id: string; category: Category; box: Box }[];
}

export async function reembedRequest(db: MirrorDb, lookId: string): Promise<ReembedRequest | null> {
  const look = await db.get('looks', lookId);
  if (!look || look.status !== 'analysed') return null;
  const garments = await garmentsOfLook(db, lookId);
  return {
    lookId,
    photo: look.photo,
    fromVersion: look.modelVersion,
    garments: garments.map(({ id, category, box }) => ({ id, category, box: [...box] as Box })),
  };
}

/**
 * Writes a look's new vectors, and its garments' new types and colour histograms, in one transaction. Returns the vectors written
 * (for the search index), or null when the look changed while it was being re-embedded (deleted, analysed
 * again, or already on this version), in which case nothing is written.
 *
 * Per garment: a type the person chose is never replaced, and a garment whose category the person changed
 * meanwhile keeps its type (the new one was chosen for the old category). Garments deleted meanwhile are
 * skipped, and every vector of the look that is not rewritten is deleted, so the look holds only vectors of
 * the new version afterwards.
 */
export async function saveReembedding(db: MirrorDb, request: ReembedRequest, result: Reembedding): Promise<VectorRecord[] | null> {
  if (result.garments.length !== request.garments.length) {
    throw new Error(`the re-embedding has ${result.garments.length} garments for ${request.garments.length} asked`);
  }
  const { lookId } = request;
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const looks = tx.objectStore('looks');
  const garmentStore = tx.objectStore('garments');
  const vectorStore = tx.objectStore('vectors');
  const look = await looks.get(lookId);
  if (!look || look.status !== 'analysed' || look.modelVersion !== request.fromVersion) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return null;
  }
  const now = new Map((await garmentStore.index('byLook').getAll(lookId)).map((g) => [g.id, g]));
  const oldVectorIds = await vectorStore.index('byLook').getAllKeys(lookId);
  const { modelVersion } = result;
  const vectors: VectorRecord[] = [{ id: vectorId('look', lookId), kind: 'look', lookId, vector: result.lookEmbedding, modelVersion }];
  const garments: GarmentRecord[] = [];
  request.garments.forEach((asked, i) => {
    const garment = now.get(asked.id);
    if (!garment) return;
    const fresh = result.garments[i];
    vectors.push({ id: vectorId('garment', garment.id), kind: 'garment', lookId, vector: fresh.embedding, modelVersion });
    // The colour histogram always comes from the new analysis; the type only where the person left it.
    if (garment.typeCorrected || garment.category !== asked.category) {
      garments.push({ ...garment, histogram: fresh.histogram });
      return;
    }
    const { type: _old, ...rest } = garment;
    garments.push(fresh.type ? { ...rest, type: fresh.type, histogram: fresh.histogram } : { ...rest, histogram: fresh.histogram });
  });
  const written = new Set(vectors.map((v) => v.id));
  await Promise.all([
    ...oldVectorIds.filter((id) => !written.has(id)).map((id) => vectorStore.delete(id)),
    ...vectors.map((v) => vectorStore.put(v)),
    ...garments.map((g) => garmentStore.put(g)),
    looks.put({ ...look, modelVersion }),
    tx.done,
  ]);
  return vectors;
}
