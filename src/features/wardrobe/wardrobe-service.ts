/**
 * The wardrobe: pieces (the same garment across looks) grouped from the collection's detected garments,
 * and what the person does to them (rename, price, merge, split, delete). Every change is one transaction.
 * Garments of a deleted piece are remembered as "not a piece" so that grouping again does not bring them
 * back.
 */
import { recordId, type GarmentRecord, type LookRecord, type PieceRecord } from '../../../common/db-schema';
import { db } from '../../db/connection';
import { newId } from '../../db/looks';
import { describe, error, info } from '../../services/messages.svelte';
import { lookDate } from '../collection/filter';
import { GROUPING, groupGarments, wearStats, type GroupableGarment, type WearStats } from './grouping';
import { garmentLabel } from '../photo/garment-types';
import { modelUpdate } from '../../services/model-update.svelte';
import { styleSummary, type StyleSummary } from './insights';

const IGNORED_KEY = 'wardrobe-ignored';

export interface PieceView {
  piece: PieceRecord;
  garments: { garment: GarmentRecord; look: LookRecord }[];
  stats: WearStats;
}

export interface Wardrobe {
  pieces: PieceView[];
  /** Analysed garments in no piece (not yet grouped, and not set aside). */
  ungrouped: number;
  /** The colours and categories worn, across the looks. */
  style: StyleSummary;
}

async function ignored(): Promise<Set<string>> {
  const v = await (await db()).get('settings', IGNORED_KEY);
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}

/**
 * A piece named by its garments: "top · t-shirt" when most of its garments that have a type share it, else
 * its category.
 */
export function pieceLabel(view: Pick<PieceView, 'piece' | 'garments'>): string {
  const counts = new Map<string, number>();
  for (const { garment } of view.garments) {
    if (garment.category !== view.piece.category || !garment.type) continue;
    counts.set(garment.type.label, (counts.get(garment.type.label) ?? 0) + 1);
  }
  const [label, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  const typed = [...counts.values()].reduce((a, b) => a + b, 0);
  return label && count! * 2 > typed ? garmentLabel({ category: view.piece.category, type: { label, score: 1 } }) : view.piece.category;
}

export async function loadWardrobe(): Promise<Wardrobe> {
  const d = await db();
  const [pieces, garments, looks, vectorKeys, skip] = await Promise.all([
    d.getAll('pieces'), d.getAll('garments'), d.getAll('looks'), d.getAllKeysFromIndex('vectors', 'byKind', 'garment'), ignored(),
  ]);
  const garmentById = new Map(garments.map((g) => [g.id, g]));
  const lookById = new Map(looks.map((l) => [l.id, l]));
  const inPieces = new Set(pieces.flatMap((p) => p.garmentIds));
  const withVector = new Set(vectorKeys.map((k) => recordId(k)));
  const views = pieces.map((piece): PieceView => {
    const shown = piece.garmentIds
      .map((id) => garmentById.get(id))
      .filter((g): g is GarmentRecord => g !== undefined && lookById.has(g.lookId))
      .map((garment) => ({ garment, look: lookById.get(garment.lookId)! }));
    return { piece, garments: shown, stats: wearStats(shown.map(({ look }) => ({ lookId: look.id, wornAt: lookDate(look) })), piece.price) };
  });
  return {
    // Most worn first; a piece whose garments were all deleted is not shown.
    pieces: views.filter((v) => v.garments.length > 0).sort((a, b) => b.stats.wears - a.stats.wears || (b.stats.lastWorn ?? 0) - (a.stats.lastWorn ?? 0)),
    ungrouped: garments.filter((g) => withVector.has(g.id) && !inPieces.has(g.id) && !skip.has(g.id)).length,
    style: styleSummary(garments.filter((g) => lookById.has(g.lookId))),
  };
}

/**
 * Groups every garment not yet in a piece: into the existing piece it matches (likeness >= threshold),
 * or into new pieces. Garments deleted from the collection leave their pieces.
 */
export async function groupWardrobe(threshold: number = GROUPING.threshold): Promise<boolean> {
  try {
    const d = await db();
    const [pieces, garments, looks, vectors, skip] = await Promise.all([
      d.getAll('pieces'), d.getAll('garments'), d.getAll('looks'), d.getAllFromIndex('vectors', 'byKind', 'garment'), ignored(),
    ]);
    const lookById = new Map(looks.map((l) => [l.id, l]));
    // Only garments analysed by the current model compare (their vector is of its version: the update gives a garment
    // its colours and vector together); garments of looks still being updated stay in their pieces and are grouped
    // once updated.
    const version = vectors.length > 0 ? await modelUpdate.currentVersion() : '';
    const current = new Set(vectors.filter((v) => v.modelVersion === version).map((v) => recordId(v.id)));
    const existing = new Set(garments.filter((g) => lookById.has(g.lookId)).map((g) => g.id));
    const groupable = new Map<string, GroupableGarment>();
    for (const g of garments) {
      const look = lookById.get(g.lookId);
      if (!current.has(g.id) || !look) continue;
      groupable.set(g.id, { id: g.id, lookId: g.lookId, category: g.category, histogram: g.histogram ?? [], wornAt: lookDate(look) });
    }
    // Pieces keep only garments that still exist; a piece left empty goes.
    const kept = pieces.map((p) => ({ ...p, garmentIds: p.garmentIds.filter((id) => existing.has(id)) }));
    const placed = new Set(kept.flatMap((p) => p.garmentIds));
    const fresh = [...groupable.values()].filter((g) => !placed.has(g.id) && !skip.has(g.id));
    const result = groupGarments(fresh, kept, groupable, threshold);
    const now = Date.now();
    const records: PieceRecord[] = result.pieces.map((group, i) =>
      i < kept.length ? { ...kept[i], garmentIds: group.garmentIds } : { id: newId(), name: '', category: group.category, garmentIds: group.garmentIds, createdAt: now },
    );
    const tx = d.transaction('pieces', 'readwrite');
    await Promise.all([
      ...records.filter((r) => r.garmentIds.length === 0).map((r) => tx.store.delete(r.id)),
      ...records.filter((r) => r.garmentIds.length > 0).map((r) => tx.store.put(r)),
      tx.done,
    ]);
    const added = records.length - kept.length;
    const joined = result.assignments.filter((a) => a.piece < kept.length).length;
    info(fresh.length === 0 ? 'Every garment is already in a piece.' : `Grouped ${fresh.length} garments: ${added} new pieces, ${joined} added to pieces you already had.`);
    return true;
  } catch (e) {
    error(`The wardrobe could not be grouped (${describe(e)})`);
    return false;
  }
}

async function change(what: string, task: () => Promise<void>): Promise<boolean> {
  try {
    await task();
    return true;
  } catch (e) {
    error(`${what} (${describe(e)})`);
    return false;
  }
}

async function updatePiece(id: string, update: (p: PieceRecord) => PieceRecord): Promise<void> {
  const tx = (await db()).transaction('pieces', 'readwrite');
  const piece = await tx.store.get(id);
  if (!piece) throw new Error('this piece no longer exists');
  await Promise.all([tx.store.put(update(piece)), tx.done]);
}

export const renamePiece = (id: string, name: string): Promise<boolean> =>
  change('The piece could not be renamed', () => updatePiece(id, (p) => ({ ...p, name: name.trim().slice(0, 200) })));

export const setPrice = (id: string, price: number | undefined, currency: string): Promise<boolean> =>
  change('The price could not be saved', async () => {
    if (price !== undefined && (!Number.isFinite(price) || price < 0)) throw new Error('a price is a number of 0 or more');
    const code = currency.trim().toUpperCase();
    if (price !== undefined && !/^[A-Z]{3}$/.test(code)) throw new Error('the currency is a three-letter code such as EUR');
    await updatePiece(id, (p) => ({ ...p, price, currency: price === undefined ? undefined : code }));
  });

/** Moves every garment of `fromId` into `intoId` and removes `fromId`, in one transaction. */
export const mergePieces = (intoId: string, fromId: string): Promise<boolean> =>
  change('The pieces could not be merged', async () => {
    const tx = (await db()).transaction('pieces', 'readwrite');
    const [into, from] = await Promise.all([tx.store.get(intoId), tx.store.get(fromId)]);
    if (!into || !from || intoId === fromId) throw new Error('choose two different pieces');
    await Promise.all([tx.store.put({ ...into, garmentIds: [...into.garmentIds, ...from.garmentIds], price: into.price ?? from.price, currency: into.currency ?? from.currency }), tx.store.delete(fromId), tx.done]);
    info(`Merged into ${into.name || `the ${into.category}`}.`);
  });

/** Takes one garment out of its piece into a piece of its own. */
export const splitGarment = (pieceId: string, garmentId: string): Promise<boolean> =>
  change('The garment could not be split off', async () => {
    const tx = (await db()).transaction('pieces', 'readwrite');
    const piece = await tx.store.get(pieceId);
    if (!piece || !piece.garmentIds.includes(garmentId)) throw new Error('this garment is no longer in the piece');
    if (piece.garmentIds.length === 1) throw new Error('it is the only garment of this piece');
    await Promise.all([
      tx.store.put({ ...piece, garmentIds: piece.garmentIds.filter((g) => g !== garmentId) }),
      tx.store.put({ id: newId(), name: '', category: piece.category, garmentIds: [garmentId], createdAt: Date.now() }),
      tx.done,
    ]);
    info('Split into a piece of its own.');
  });

/** Deletes a piece; its garments are set aside (not grouped again). The looks are not touched. */
export const deletePiece = (id: string): Promise<boolean> =>
  change('The piece could not be deleted', async () => {
    const tx = (await db()).transaction(['pieces', 'settings'], 'readwrite');
    const piece = await tx.objectStore('pieces').get(id);
    if (!piece) throw new Error('this piece no longer exists');
    const old = await tx.objectStore('settings').get(IGNORED_KEY);
    const set = new Set([...(Array.isArray(old) ? (old as string[]) : []), ...piece.garmentIds]);
    await Promise.all([tx.objectStore('pieces').delete(id), tx.objectStore('settings').put([...set], IGNORED_KEY), tx.done]);
    info(`Deleted ${piece.name || `the ${piece.category}`} from the wardrobe. Its looks stay.`);
  });
