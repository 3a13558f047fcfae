/**
 * Catalog packs on the page: adding one (by URL or from files), updating, removing, listing, the network
 * ledger, and "Shop the look" for a garment. Components call these; they never touch fetch or IndexedDB.
 * Every outcome is told to the person through the messages service, naming the pack file and field that
 * was refused.
 */
import { EMBEDDING_DIM } from '../../../common/constants';
import { vectorId, type NetworkRecord, type PackRecord } from '../../../common/db-schema';
import { parseManifest, verifyPack, type PackReader } from '../../../common/pack-format';
import { RELATED_K } from '../../../common/pack-match';
import { db } from '../../db/connection';
import { getGarment } from '../../db/looks';
import { describe, emit, error, info, on } from '../../services/messages.svelte';
import { modelUpdate } from '../../services/model-update.svelte';
import { otherModelNote, shopFromPacks, type CurrentModel, type ShopResult } from './pack-vectors';

export type { RelatedProduct, ShopResult } from './pack-vectors';
import { filesSource, urlSource, type RequestLog } from './pack-source';
import * as store from './pack-store';

/**
 * The model whose vectors packs must match: the vision worker's current MODEL_VERSION and EMBEDDING_DIM.
 * Knowing the version may start the vision worker (when no analysis has told it yet in this build).
 */
export async function currentModel(): Promise<CurrentModel> {
  return { modelVersion: await modelUpdate.currentVersion(), dim: EMBEDDING_DIM };
}

/** Installed packs whose vectors cannot be compared with the person's, by id, with the reason in words. */
export async function packsOnOtherModel(): Promise<Map<string, string>> {
  const packs = await installedPacks();
  const notes = new Map<string, string>();
  if (packs.length === 0) return notes;
  const model = await currentModel();
  for (const p of packs) {
    const note = otherModelNote(p, model);
    if (note) notes.set(p.id, note);
  }
  return notes;
}

/** Installed packs, read once and kept until one is added or removed (matching reads them per garment). */
let cache: Promise<PackRecord[]> | null = null;
on('packs-changed', () => (cache = null));

export function installedPacks(): Promise<PackRecord[]> {
  cache ??= db().then((d) => store.listPacks(d));
  cache.catch(() => (cache = null));
  return cache;
}

async function logRequest(r: RequestLog): Promise<void> {
  await store.logRequest(await db(), r);
  emit('packs-changed', { packIds: [] });
}

/** Verifies and installs; says what happened. Returns the pack id, or null when it was refused. */
async function install(what: string, manifest: Uint8Array, read: PackReader, source: PackRecord['source']): Promise<string | null> {
  try {
    const pack = await verifyPack(manifest, read, { dim: EMBEDDING_DIM });
    const outcome = await store.installPack(await db(), pack, source);
    const { title, version, id } = pack.manifest;
    emit('packs-changed', { packIds: [id] });
    const size = pack.manifest.kind === 'catalog' ? `${pack.products.length} products` : `${pack.looks.length} looks`;
    info(
      outcome.action === 'updated'
        ? `Updated the pack "${title}" from version ${outcome.from} to ${version} (${size}).`
        : `Added the pack "${title}" (${size}).`,
    );
    return id;
  } catch (e) {
    error(`${what} was not added: ${describe(e)}. Nothing was changed.`);
    return null;
  }
}

/** Adds (or updates) a pack from a URL the person typed: the only requests to another origin. */
export async function addPackFromUrl(typed: string): Promise<string | null> {
  let source: Awaited<ReturnType<typeof urlSource>>;
  try {
    source = await urlSource(typed, logRequest);
  } catch (e) {
    error(`The pack was not added: ${describe(e)}. Nothing was changed.`);
    return null;
  }
  return install(`The pack at ${source.url}`, source.manifest, source.read, { type: 'url', url: source.url });
}

export async function addPackFromFiles(files: readonly File[]): Promise<string | null> {
  let source: Awaited<ReturnType<typeof filesSource>>;
  try {
    source = await filesSource(files);
  } catch (e) {
    error(`The pack was not added: ${describe(e)}. Nothing was changed.`);
    return null;
  }
  return install('The pack', source.manifest, source.read, { type: 'files' });
}

/** Fetches the pack's URL again: a newer version replaces the installed one. */
export async function updatePack(pack: PackRecord): Promise<void> {
  if (pack.source.type !== 'url') return;
  const source = await urlSource(pack.source.url, logRequest).catch((e: unknown) => {
    error(`"${pack.manifest.title}" could not be checked for updates: ${describe(e)}.`);
    return null;
  });
  if (!source) return;
  try {
    // The manifest alone says whether there is anything newer: the other files are fetched only then.
    const offered = parseManifest(source.manifest);
    if (offered.id === pack.id && offered.version <= pack.manifest.version) {
      const stale = otherModelNote(pack, await currentModel()) !== null;
      if (stale) error(`"${pack.manifest.title}" has no newer version yet, and it was made for another model version: ask its publisher for an update.`);
      else info(`"${pack.manifest.title}" is up to date (version ${pack.manifest.version}).`);
      return;
    }
    const verified = await verifyPack(source.manifest, source.read, { dim: EMBEDDING_DIM });
    const outcome = await store.installPack(await db(), verified, { type: 'url', url: source.url });
    emit('packs-changed', { packIds: [verified.manifest.id] });
    info(
      outcome.action === 'updated'
        ? `Updated the pack "${verified.manifest.title}" from version ${outcome.from} to ${verified.manifest.version}.`
        : `Added the pack "${verified.manifest.title}".`,
    );
  } catch (e) {
    error(`"${pack.manifest.title}" was not updated: ${describe(e)}. Nothing was changed.`);
  }
}

export async function removePack(pack: PackRecord): Promise<boolean> {
  try {
    await store.removePack(await db(), pack.id);
  } catch (e) {
    error(`The pack "${pack.manifest.title}" could not be removed (${describe(e)})`);
    return false;
  }
  emit('packs-changed', { packIds: [pack.id] });
  info(`Removed the pack "${pack.manifest.title}".`);
  return true;
}

export const packImage = async (packId: string, path: string): Promise<Blob | undefined> => store.packImage(await db(), packId, path);

export const networkLedger = async (): Promise<NetworkRecord[]> => store.listRequests(await db());

export async function clearNetworkLedger(): Promise<void> {
  await store.clearRequests(await db());
  emit('packs-changed', { packIds: [] });
}

/** Related products of one garment of the collection, from every installed catalog pack. */
export async function shopTheLook(garmentId: string, k = RELATED_K): Promise<ShopResult> {
  const d = await db();
  const [garment, vector, packs] = await Promise.all([getGarment(d, garmentId), d.get('vectors', vectorId('garment', garmentId)), installedPacks()]);
  if (!garment || !vector) throw new Error('this item has no vector yet (it may still be analysed)');
  // Without catalogs there is nothing to compare, and no need to learn the model version.
  if (!packs.some((p) => p.manifest.kind === 'catalog')) return { packs: 0, skipped: [], products: [], updating: false };
  return shopFromPacks(garment, vector, packs, await currentModel(), k);
}
