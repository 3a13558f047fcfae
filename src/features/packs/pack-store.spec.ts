import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openMirrorDB, type MirrorDatabase } from '../../../common/db-open';
import { MANIFEST_FILE, verifyPack } from '../../../common/pack-format';
import { makePack, mapReader } from '../../../common/pack-test-support';
import { installPack, listPacks, listRequests, logRequest, packImage, PackVersionError, removePack } from './pack-store';

let n = 0;
const open: MirrorDatabase[] = [];
async function freshDb(): Promise<MirrorDatabase> {
  const db = await openMirrorDB({ name: `packs-test-${++n}` });
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function verified(version = 1, title?: string) {
  const { files } = await makePack({ version });
  const pack = await verifyPack(files.get(MANIFEST_FILE)!, mapReader(files));
  if (title) pack.manifest.title = title;
  return pack;
}

describe('pack store', () => {
  it('installs a pack with its images, replaces it only with a newer version, and removes it', async () => {
    const db = await freshDb();
    expect(await installPack(db, await verified(1), { type: 'files' })).toEqual({ action: 'added' });
    expect((await listPacks(db)).map((p) => [p.id, p.manifest.version, p.products.length])).toEqual([['test-shop', 1, 2]]);
    const blob = await packImage(db, 'test-shop', 'images/p1.jpg');
    expect(blob?.type).toBe('image/jpeg');

    await expect(installPack(db, await verified(1, 'Same again'), { type: 'files' })).rejects.toBeInstanceOf(PackVersionError);
    expect((await listPacks(db))[0].manifest.title).toBe('Test shop');

    expect(await installPack(db, await verified(2), { type: 'url', url: 'https://shop.example/pack.json' })).toEqual({ action: 'updated', from: 1 });
    await expect(installPack(db, await verified(1), { type: 'files' })).rejects.toThrow(/version 2 of "Test shop" is installed, newer than this version 1/);
    expect((await listPacks(db))[0].manifest.version).toBe(2);

    expect(await removePack(db, 'test-shop')).toBe(true);
    expect(await listPacks(db)).toEqual([]);
    expect(await db.count('packImages')).toBe(0);
  });

  it('writes all of a pack or none of it', async () => {
    const db = await freshDb();
    await db.put('settings', 'auto', 'backend');
    const pack = await verified(1);
    // A product that cannot be stored (a function is not structured-cloneable) fails the one transaction.
    (pack.products[1] as unknown as Record<string, unknown>).bad = () => undefined;
    await expect(installPack(db, pack, { type: 'files' })).rejects.toThrow();
    expect(await db.count('packs')).toBe(0);
    expect(await db.count('packImages')).toBe(0);
    expect(await db.get('settings', 'backend')).toBe('auto');
  });

  it('keeps the network ledger newest first', async () => {
    const db = await freshDb();
    await logRequest(db, { url: 'https://a.example/pack.json', at: 1, bytes: 10, status: 200, purpose: 'pack' });
    await logRequest(db, { url: 'https://a.example/products.json', at: 2, bytes: 20, status: 200, purpose: 'pack' });
    expect((await listRequests(db)).map((r) => r.url)).toEqual(['https://a.example/products.json', 'https://a.example/pack.json']);
  });

  it('migrates a version 1 database without losing its looks', async () => {
    const name = `packs-migrate-${++n}`;
    const v1 = await openDB(name, 1, { upgrade: (d, _o, _n, tx) => MIGRATIONS[0](d as never, tx as never) });
    await v1.put('settings', 'wasm', 'backend');
    v1.close();
    const db = await openMirrorDB({ name });
    open.push(db);
    expect(await db.get('settings', 'backend')).toBe('wasm');
    expect(await db.count('packs')).toBe(0);
  });
});
