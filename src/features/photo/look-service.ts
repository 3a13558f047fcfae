/** What the Photo view does to a look and its garments: database first (one transaction), then the index. */
import type { Category } from '../../../common/categories';
import type { GarmentRecord, LookRecord } from '../../../common/db-schema';
import { db } from '../../db/connection';
import * as store from '../../db/looks';
import { searchIndex } from '../../services/search-index';
import { describe, emit, error, info } from '../../services/messages.svelte';

export interface LookDetail {
  look: LookRecord;
  garments: GarmentRecord[];
}

export async function loadLook(lookId: string): Promise<LookDetail | null> {
  const d = await db();
  const look = await store.getLook(d, lookId);
  if (!look) return null;
  return { look, garments: await store.garmentsOfLook(d, lookId) };
}

export async function correctCategory(garment: GarmentRecord, category: Category): Promise<boolean> {
  try {
    await store.setGarmentCategory(await db(), garment.id, category);
    emit('looks-changed', { lookIds: [garment.lookId] });
    return true;
  } catch (e) {
    error(`The category could not be changed (${describe(e)})`);
    return false;
  }
}

export async function removeGarment(garment: GarmentRecord): Promise<boolean> {
  let vid: string;
  try {
    vid = await store.deleteGarment(await db(), garment.id);
  } catch (e) {
    error(`The item could not be deleted (${describe(e)})`);
    return false;
  }
  emit('looks-changed', { lookIds: [garment.lookId] });
  try {
    await searchIndex.remove([vid]);
  } catch (e) {
    error(`The search index could not be updated (${describe(e)})`);
  }
  info(`Deleted the ${garment.category}.`);
  return true;
}

export async function saveCaption(lookId: string, caption: string): Promise<boolean> {
  try {
    await store.setCaption(await db(), lookId, caption.trim());
    emit('looks-changed', { lookIds: [lookId] });
    info('Caption saved.');
    return true;
  } catch (e) {
    error(`The caption could not be saved (${describe(e)})`);
    return false;
  }
}

export async function removeLook(look: LookRecord): Promise<boolean> {
  try {
    await store.deleteLook(await db(), look.id);
  } catch (e) {
    error(`${look.name}: the look could not be deleted (${describe(e)})`);
    return false;
  }
  emit('looks-changed', { lookIds: [look.id] });
  try {
    await searchIndex.removeLook(look.id);
  } catch (e) {
    error(`The search index could not be updated (${describe(e)})`);
  }
  info(`${look.name}: deleted.`);
  return true;
}
