/**
 * Similar looks and similar items from the person's own collection, through the index worker. Only
 * vectors of the current model version are compared: while the re-embedding migration runs, a look still on
 * the old version is "updating" (no search from it, and it is not among the results).
 */
import type { GarmentRecord, LookRecord } from '../../../common/db-schema';
import { recordId, vectorId } from '../../../common/db-schema';
import { db } from '../../db/connection';
import { getGarment, getLook } from '../../db/looks';
import { searchIndex } from '../../services/search-index';
import { modelUpdate } from '../../services/model-update.svelte';
import { describe } from '../../services/messages.svelte';
import { colourAffinity, colourScore, LOOK_COLOUR_WEIGHT, lookColourAffinity } from '../../../common/colour-similarity';

/**
 * How many of garment-net's nearest the index gives, to be kept to the garment's category and scored again: on a
 * collection of 3,574 garments (CCP train) it holds 90 % of the 10 best of the category by this score, on a few
 * hundred all of them. Similar looks take as many of the look vectors' nearest.
 */
export const SHORTLIST = 200;

export { arrange, type SortOrder } from './arrange';

/** How many neighbours are shown; the threshold slider then filters these on the page. */
const K = 60;

export interface LookMatch {
  look: LookRecord;
  score: number;
}
export interface ItemMatch {
  garment: GarmentRecord;
  look: LookRecord;
  score: number;
}

/** True when the look's vectors come from another model than the current one (its update is pending). */
export async function isUpdating(look: Pick<LookRecord, 'status' | 'modelVersion'>): Promise<boolean> {
  return look.status === 'analysed' && look.modelVersion !== (await modelUpdate.currentVersion());
}

async function onCurrentModel<T extends { look: LookRecord }>(matches: (T | null)[]): Promise<T[]> {
  const version = await modelUpdate.currentVersion();
  return matches.filter((m): m is T => m !== null && m.look.modelVersion === version);
}

/**
 * Looks like a look: the look vectors' nearest (the index's SHORTLIST), scored again with their garments' colours
 * compared garment by garment (common/colour-similarity.ts lookColourAffinity, LOOK_COLOUR_WEIGHT), the K best.
 */
export async function similarLooks(lookId: string): Promise<LookMatch[]> {
  const hits = await searchIndex.similarTo(vectorId('look', lookId), { kind: 'look', k: SHORTLIST, excludeLookId: lookId });
  // Every look of the shortlist and its garments, in one read transaction (one per read took half again the time).
  const tx = (await db()).transaction(['looks', 'garments']);
  const byLook = tx.objectStore('garments').index('byLook');
  const [own, ...found] = await Promise.all([
    byLook.getAll(lookId),
    ...hits.map((h) => Promise.all([tx.objectStore('looks').get(h.lookId), byLook.getAll(h.lookId)] as const)),
  ]);
  const matches = hits.map((h, i) => {
    const [look, garments] = found[i];
    return look ? { look, score: colourScore(h.score, lookColourAffinity(own, garments), LOOK_COLOUR_WEIGHT) } : null;
  });
  return (await onCurrentModel(matches)).sort((a, b) => b.score - a.score).slice(0, K);
}

/**
 * Items like a garment: garment-net's nearest garments of other looks (the index's SHORTLIST), those of the
 * garment's own category (a coat's similar items are coats: garment-net alone puts garments of other categories
 * among a garment's nearest, colour-similarity.ts), scored again with their colours, the K best.
 */
export async function similarItems(garmentId: string): Promise<ItemMatch[]> {
  const d = await db();
  const source = await getGarment(d, garmentId);
  const hits = await searchIndex.similarTo(vectorId('garment', garmentId), {
    kind: 'garment',
    k: SHORTLIST,
    // Other pieces in the same photo are not what the person is looking for.
    excludeLookId: source?.lookId,
  });
  // The shortlist's garments and their looks in one read transaction; a look's garments are often several of the
  // shortlist, so each look is read once.
  const tx = d.transaction(['looks', 'garments']);
  const looks = new Map<string, Promise<LookRecord | undefined>>();
  const lookOf = (id: string) => looks.get(id) ?? looks.set(id, tx.objectStore('looks').get(id)).get(id)!;
  const matches = await Promise.all(
    hits.map(async (h) => {
      const [garment, look] = await Promise.all([tx.objectStore('garments').get(recordId(h.id)), lookOf(h.lookId)]);
      if (!garment || !look || (source && garment.category !== source.category)) return null;
      return { garment, look, score: colourScore(h.score, colourAffinity(source?.histogram, garment.histogram)) };
    }),
  );
  return (await onCurrentModel(matches)).sort((a, b) => b.score - a.score).slice(0, K);
}

export async function loadGarment(garmentId: string): Promise<{ garment: GarmentRecord; look: LookRecord } | null> {
  const d = await db();
  const garment = await getGarment(d, garmentId);
  const look = garment && (await getLook(d, garment.lookId));
  return garment && look ? { garment, look } : null;
}

/** Where a similarity view stands: its source (a look or a garment with its look) and the matches. */
export interface SearchState<S, M> {
  phase: 'loading' | 'ready' | 'missing' | 'error' | 'updating';
  source: S | null;
  matches: M[];
  problem: string;
}

/** Loads the source, then searches from it, unless it is gone or still on an older model ("updating"). */
export async function searchFrom<S extends { look: LookRecord }, M>(load: () => Promise<S | null>, search: () => Promise<M[]>): Promise<SearchState<S, M>> {
  const state = (phase: SearchState<S, M>['phase'], source: S | null, matches: M[] = [], problem = '') => ({ phase, source, matches, problem });
  try {
    const source = await load();
    if (!source) return state('missing', null);
    if (await isUpdating(source.look)) return state('updating', source);
    return state('ready', source, await search());
  } catch (e) {
    return state('error', null, [], describe(e));
  }
}
