/** What the Photo view does to a look and its garments: database first (one transaction), then the index. */
import type { Category } from '../../../common/categories';
import { clipBox } from '../../../common/boxes';
import type { GarmentRecord, LookRecord, VectorRecord } from '../../../common/db-schema';
import type { Box } from '../../../common/types';
import { db } from '../../db/connection';
import * as store from '../../db/looks';
import { searchIndex } from '../../services/search-index';
import { vision } from '../../services/vision';
import { describe, emit, error, info } from '../../services/messages.svelte';
import { garmentLabel, typeFits, typesOf } from './garment-types';

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

/**
 * The person corrects a garment's category. Its type stays when it fits the new category; a category with
 * one type gets that one (a dress is a "Dress"); otherwise the type is cleared until the next re-embedding.
 */
export async function correctCategory(garment: GarmentRecord, category: Category): Promise<boolean> {
  const only = typesOf(category);
  const type = typeFits(garment.type, category) ? garment.type : only.length === 1 ? { label: only[0], score: 1 } : undefined;
  let lookVec: VectorRecord | null;
  try {
    lookVec = await store.setGarmentCategory(await db(), garment.id, category, type);
  } catch (e) {
    error(`The category could not be changed (${describe(e)})`);
    return false;
  }
  emit('looks-changed', { lookIds: [garment.lookId] });
  await updateIndex([], [lookVec]);
  return true;
}

/** The person chooses a garment's type among those of its category; kept by later analyses. */
export async function correctType(garment: GarmentRecord, label: string): Promise<boolean> {
  if (!(typesOf(garment.category) as string[]).includes(label)) {
    error(`"${label}" is not a type of ${garment.category}`);
    return false;
  }
  try {
    const updated = await store.setGarmentType(await db(), garment.id, label);
    emit('looks-changed', { lookIds: [garment.lookId] });
    info(`Saved: ${garmentLabel(updated)}.`);
    return true;
  } catch (e) {
    error(`The type could not be changed (${describe(e)})`);
    return false;
  }
}

/**
 * The search index follows an edit: the deleted vectors go, the written ones (a new garment's, the rebuilt look
 * vector) are added or replace the old ones; null where the edit kept the stored look vector.
 */
async function updateIndex(removed: string[], written: (VectorRecord | null)[]): Promise<void> {
  const added = written.filter((v): v is VectorRecord => v !== null);
  try {
    if (removed.length) await searchIndex.remove(removed);
    if (added.length) await searchIndex.add(added);
  } catch (e) {
    error(`The search index could not be updated (${describe(e)})`);
  }
}

/** Smallest side of an item the person marks, in photo pixels: below it there is nothing to embed. */
export const MIN_MARKED_SIDE = 8;

/**
 * A box the person drew on the photo (an item the detector missed, or one whose box they draw again): clipped to the
 * photo, then embedded by the vision worker (the detector's cells of that category inside the box, else the
 * person's: as a model update does). Null, with the reason shown, when the box is too small to be an item.
 */
async function drawnItem(look: LookRecord, category: Category, box: Box): Promise<store.MarkedGarment | null> {
  const clipped = clipBox(box, look.width, look.height);
  if (!(clipped[2] >= MIN_MARKED_SIDE && clipped[3] >= MIN_MARKED_SIDE)) {
    error(`${look.name}: the box is too small to be an item (at least ${MIN_MARKED_SIDE} x ${MIN_MARKED_SIDE} photo pixels)`);
    return null;
  }
  const found = await vision.reembed(look.photo, [{ category, box: clipped }]);
  return { category, box: clipped, found: found.garments[0], modelVersion: found.modelVersion };
}

/** The person marks an item the detector missed: a box drawn on the photo and a category; stored and indexed together. */
export async function addItem(look: LookRecord, category: Category, box: Box): Promise<GarmentRecord | null> {
  let added: { garment: GarmentRecord; vectors: VectorRecord[] };
  try {
    const marked = await drawnItem(look, category, box);
    if (!marked) return null;
    added = await store.addGarment(await db(), look.id, marked);
  } catch (e) {
    error(`${look.name}: the item could not be added (${describe(e)})`);
    return null;
  }
  emit('looks-changed', { lookIds: [look.id] });
  await updateIndex([], added.vectors);
  info(`Added the ${garmentLabel(added.garment)}.`);
  return added.garment;
}

/**
 * The person draws an item's box again: the garment keeps its id, category and a type they chose; its colours,
 * vector and the look vector are those of the new box's pixels.
 */
export async function redrawItem(look: LookRecord, garment: GarmentRecord, box: Box): Promise<GarmentRecord | null> {
  let redrawn: { garment: GarmentRecord; vectors: VectorRecord[] };
  try {
    const marked = await drawnItem(look, garment.category, box);
    if (!marked) return null;
    redrawn = await store.redrawGarment(await db(), garment, marked);
  } catch (e) {
    error(`${look.name}: the box of the ${garmentLabel(garment)} could not be changed (${describe(e)})`);
    return null;
  }
  emit('looks-changed', { lookIds: [look.id] });
  await updateIndex([], redrawn.vectors);
  info(`Saved the new box of the ${garmentLabel(redrawn.garment)}.`);
  return redrawn.garment;
}

export async function removeGarment(garment: GarmentRecord): Promise<boolean> {
  let deleted: { vid: string; look: VectorRecord | null };
  try {
    deleted = await store.deleteGarment(await db(), garment.id);
  } catch (e) {
    error(`The item could not be deleted (${describe(e)})`);
    return false;
  }
  emit('looks-changed', { lookIds: [garment.lookId] });
  await updateIndex([deleted.vid], [deleted.look]);
  info(`Deleted the ${garmentLabel(garment)}.`);
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
