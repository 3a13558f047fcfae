/**
 * IndexedDB access for installed packs, their images and the network ledger. A pack is written in ONE
 * transaction over `packs` and `packImages` (with no other awaits inside it), so that it is installed
 * completely or not at all, and nothing else in the database is touched.
 */
import type { IDBPDatabase } from 'idb';
import type { MirrorDB, NetworkRecord, PackRecord } from '../../../common/db-schema';
import { imageType, type VerifiedPack } from '../../../common/pack-format';

export type Db = IDBPDatabase<MirrorDB>;

export class PackVersionError extends Error {
  override name = 'PackVersionError';
}

export type InstallOutcome = { action: 'added' } | { action: 'updated'; from: number };

/**
 * Installs a verified pack. A pack with the same id is replaced only by a newer version (its old images
 * go in the same transaction); the same or an older version is refused with PackVersionError.
 */
export async function installPack(db: Db, pack: VerifiedPack, source: PackRecord['source'], now = Date.now()): Promise<InstallOutcome> {
  const { manifest } = pack;
  // Blobs are made before the transaction opens: nothing but the transaction's own requests inside it.
  const images = [...pack.images].map(([path, bytes]) => ({
    packId: manifest.id,
    path,
    blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: imageType(bytes) ?? 'application/octet-stream' }),
  }));
  const record: PackRecord = {
    id: manifest.id, manifest, products: pack.products, looks: pack.looks, scales: pack.scales, vectors: pack.vectors,
    source, addedAt: now, bytes: pack.bytes,
  };
  const tx = db.transaction(['packs', 'packImages'], 'readwrite');
  const packs = tx.objectStore('packs');
  const store = tx.objectStore('packImages');
  const existing = await packs.get(manifest.id);
  if (existing && existing.manifest.version >= manifest.version) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new PackVersionError(
      existing.manifest.version === manifest.version
        ? `version ${manifest.version} of "${existing.manifest.title}" is already installed`
        : `version ${existing.manifest.version} of "${existing.manifest.title}" is installed, newer than this version ${manifest.version}`,
    );
  }
  const oldKeys = existing ? await store.index('byPack').getAllKeys(manifest.id) : [];
  const writes: Promise<unknown>[] = [];
  try {
    for (const k of oldKeys) writes.push(store.delete(k));
    for (const i of images) writes.push(store.put(i));
    writes.push(packs.put(record));
    await Promise.all([...writes, tx.done]);
  } catch (e) {
    // A request that throws (a DataCloneError, say) does not abort the transaction by itself: the writes
    // that did go through would commit. Abort, so that nothing of this pack is kept.
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    await Promise.allSettled([...writes, tx.done]);
    throw e;
  }
  return existing ? { action: 'updated', from: existing.manifest.version } : { action: 'added' };
}

/** Removes a pack and its images in one transaction; false when it was not installed. */
export async function removePack(db: Db, packId: string): Promise<boolean> {
  const tx = db.transaction(['packs', 'packImages'], 'readwrite');
  const existing = await tx.objectStore('packs').getKey(packId);
  const keys = await tx.objectStore('packImages').index('byPack').getAllKeys(packId);
  await Promise.all([tx.objectStore('packs').delete(packId), ...keys.map((k) => tx.objectStore('packImages').delete(k)), tx.done]);
  return existing !== undefined;
}

export const listPacks = (db: Db): Promise<PackRecord[]> => db.getAll('packs');

export async function packImage(db: Db, packId: string, path: string): Promise<Blob | undefined> {
  return (await db.get('packImages', [packId, path]))?.blob;
}

export async function logRequest(db: Db, record: Omit<NetworkRecord, 'id'>): Promise<void> {
  await db.add('network', record);
}

/** Newest first. */
export async function listRequests(db: Db): Promise<NetworkRecord[]> {
  return (await db.getAllFromIndex('network', 'byAt')).reverse();
}

export async function clearRequests(db: Db): Promise<void> {
  await db.clear('network');
}
