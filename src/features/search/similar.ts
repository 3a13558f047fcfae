/** Similar looks and similar items from the person's own collection, through the index worker. */
import type { GarmentRecord, LookRecord } from '../../../common/db-schema';
import { vectorId } from '../../../common/db-schema';
import { db } from '../../db/connection';
import { getGarment, getLook } from '../../db/looks';
import { searchIndex } from '../../services/search-index';
export { arrange, type SortOrder } from './arrange';

/** How many neighbours to fetch; the threshold slider then filters these on the page. */
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

export async function similarLooks(lookId: string): Promise<LookMatch[]> {
  const hits = await searchIndex.similarTo(vectorId('look', lookId), { kind: 'look', k: K, excludeLookId: lookId });
  const d = await db();
  const matches = await Promise.all(
    hits.map(async (h) => {
      const look = await getLook(d, h.lookId);
      return look ? { look, score: h.score } : null;
    }),
  );
  return matches.filter((m): m is LookMatch => m !== null);
}

export async function similarItems(garmentId: string): Promise<ItemMatch[]> {
  const hits = await searchIndex.similarTo(vectorId('garment', garmentId), {
    kind: 'garment',
    k: K,
    // Other pieces in the same photo are not what the person is looking for.
    excludeLookId: (await getGarment(await db(), garmentId))?.lookId,
  });
  const d = await db();
  const matches = await Promise.all(
    hits.map(async (h) => {
      const id = h.id.startsWith('garment:') ? h.id.slice('garment:'.length) : h.id;
      const [garment, look] = await Promise.all([getGarment(d, id), getLook(d, h.lookId)]);
      return garment && look ? { garment, look, score: h.score } : null;
    }),
  );
  return matches.filter((m): m is ItemMatch => m !== null);
}

export async function loadGarment(garmentId: string): Promise<{ garment: GarmentRecord; look: LookRecord } | null> {
  const d = await db();
  const garment = await getGarment(d, garmentId);
  const look = garment && (await getLook(d, garment.lookId));
  return garment && look ? { garment, look } : null;
}
