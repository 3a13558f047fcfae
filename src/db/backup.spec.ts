import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../common/db-open';
import type { LookRecord } from '../../common/db-schema';
import { analysis } from './analysis-fixture';
import { BACKUP_MAGIC, BackupError, readBackup, restoreBackup, restoreMessages, writeBackup, type RestoreResult } from './backup';
import { deleteLook, garmentsOfLook, putPendingLook, saveAnalysis, setCaption, setGarmentCategory, type MirrorDb } from './looks';

let n = 0;
const fresh = () => openMirrorDB({ name: `backup-test-${++n}` });
/** Bytes that start as a JPEG (the restore checks the first bytes; the test's decoder below checks the rest). */
const jpeg = (tag: string) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), tag], { type: 'image/jpeg' });

function look(id: string, name: string, addedAt: number): LookRecord {
  return { id, name, addedAt, width: 100, height: 200, status: 'pending', caption: '', photo: jpeg(`photo ${id}`), thumb: jpeg(`thumb ${id}`), categories: [], colourNames: [] };
}

/** Two analysed looks (one with a caption and a corrected category), one pending look, a wardrobe piece and a like. */
async function collection(): Promise<MirrorDb> {
  const db = await fresh();
  for (const [id, name, at] of [['A', 'a.jpg', 1], ['B', 'b.jpg', 2], ['P', 'p.jpg', 3]] as const) await putPendingLook(db, look(id, name, at));
  await saveAnalysis(db, 'A', analysis('m1', 8));
  await saveAnalysis(db, 'B', analysis('m1', 8));
  await setCaption(db, 'A', 'Sunday market');
  const [top] = await garmentsOfLook(db, 'A');
  await setGarmentCategory(db, top.id, 'outerwear');
  const tops = [(await garmentsOfLook(db, 'A'))[1].id, (await garmentsOfLook(db, 'B'))[1].id];
  await db.put('pieces', { id: 'piece-1', name: 'blue jeans', category: 'bottom', garmentIds: tops, createdAt: 5 });
  const outfit = (await garmentsOfLook(db, 'B')).map((g) => g.id).sort();
  await db.put('outfitFeedback', { key: outfit.join('+'), garmentIds: outfit, verdict: 'like', source: 'dress-me', at: 6 });
  return db;
}

async function everything(db: MirrorDb) {
  const looks = await Promise.all(
    (await db.getAll('looks')).map(async ({ photo, thumb, ...rest }) => ({ ...rest, photo: await photo.text(), thumb: await thumb.text(), photoType: photo.type })),
  );
  const vectors = (await db.getAll('vectors')).map((v) => ({ ...v, vector: Array.from(v.vector) }));
  return { looks, garments: await db.getAll('garments'), vectors, pieces: await db.getAll('pieces'), feedback: await db.getAll('outfitFeedback') };
}

/** A file in the backup layout with any header and data, as a hostile or damaged file could be. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(), headerBytes?: number): Blob {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, headerBytes ?? json.byteLength, true);
  return new Blob([BACKUP_MAGIC, length, json, data as Uint8Array<ArrayBuffer>]);
}

/** The backup's header, parsed, to make a damaged copy of it. */
async function headerOf(file: Blob): Promise<{ header: any; data: Uint8Array }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const length = new DataView(bytes.buffer).getUint32(BACKUP_MAGIC.length, true);
  const start = BACKUP_MAGIC.length + 4;
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + length))), data: bytes.slice(start + length) };
}

describe('backups', () => {
  let target: MirrorDb;

  it('restores a collection into an empty one as it was: looks, photos, garments with corrections, vectors, pieces and likes', async () => {
    const db = await collection();
    const { blob, looks } = await writeBackup(db, 1000);
    expect(looks).toBe(3);
    const target = await fresh();
    const done: number[] = [];
    const result = await restoreBackup(target, blob, { progress: (d) => done.push(d) });
    expect(result).toMatchObject({ restored: 3, alreadyHere: 0, problems: [], pending: 1, reembed: 0, pieces: 1, likes: 1, recordsLeftOut: 0 });
    expect(result.vectors).toBe(6);
    expect(done).toEqual([1, 2, 3]);
    const before = await everything(db);
    const after = await everything(target);
    expect(after.looks.map((l) => ({ ...l, photoType: undefined }))).toEqual(before.looks.map((l) => ({ ...l, photoType: undefined })));
    expect(after.looks.every((l) => l.photoType === 'image/jpeg')).toBe(true);
    expect(after.garments).toEqual(before.garments);
    expect(after.vectors).toEqual(before.vectors);
    expect(after.pieces).toEqual(before.pieces);
    expect(after.feedback).toEqual(before.feedback);
    expect((await target.get('looks', 'A'))).toMatchObject({ caption: 'Sunday market', categories: ['outerwear', 'bottom'] });
  });

  it('leaves the looks already in the collection as they are, and restores only the others', async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    await setCaption(db, 'A', 'changed since');
    await deleteLook(db, 'B');
    const result = await restoreBackup(db, blob);
    expect(result).toMatchObject({ restored: 1, alreadyHere: 2, problems: [] });
    expect((await db.get('looks', 'A'))?.caption).toBe('changed since');
    expect((await db.get('looks', 'B'))?.name).toBe('b.jpg');
    // The piece and the like are there already.
    expect(result.recordsLeftOut).toBe(2);
    expect(await db.count('pieces')).toBe(1);
  });

  it('refuses a file that is no backup, or whose header is damaged, with nothing written', async () => {
    const db = await collection();
    const before = await everything(db);
    const { blob } = await writeBackup(db);
    const { header } = await headerOf(blob);
    const cases: [Blob, RegExp][] = [
      [new Blob(['PK\u0003\u0004 a zip, not a backup']), /is not a Mirror backup/],
      [new Blob([]), /is not a Mirror backup/],
      [blob.slice(0, 40), /cut short: its header runs past the end/],
      [craft('{"format": "mirror-backup", "version": 1, "looks": [', new Uint8Array()), /damaged header/],
      [craft({ ...header, version: 2 }), /backup version 2; this Mirror reads version 1/],
      [craft({ ...header, format: 'something-else' }), /not a Mirror backup's/],
      [craft({ ...header, looks: 'many' }), /damaged header \(looks is not a list\)/],
      [craft({}, new Uint8Array(), 0xffffffff), /header of 4294967295 bytes, more than a backup may have/],
    ];
    for (const [file, message] of cases) {
      await expect(restoreBackup(db, file)).rejects.toThrow(BackupError);
      await expect(readBackup(file)).rejects.toThrow(message);
    }
    expect(await everything(db)).toEqual(before);
  });

  it('leaves out a look it cannot trust, naming it and why, and restores the others whole', async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    const { header, data } = await headerOf(blob);
    const [a, b, p] = header.looks;
    b.garments[0].category = 'cape';
    p.look.name = 'party.jpg';
    // The pending look's photo now points at a vector's bytes: not an image.
    p.photo = { at: a.vectors[0].at, bytes: 32 };
    target = await fresh();
    const result = await restoreBackup(target, craft(header, data));
    expect(result.restored).toBe(1);
    expect(result.problems).toEqual([
      { name: 'b.jpg', problem: 'item 1: category is not one of top, outerwear, bottom, dress, shoes, bag, hat, accessory' },
      { name: 'party.jpg', problem: 'its photo is not a JPEG, PNG or WebP image' },
    ]);
    expect((await target.getAll('looks')).map((l) => l.id)).toEqual(['A']);
    expect((await target.getAll('garments')).every((g) => g.lookId === 'A')).toBe(true);
    expect((await target.getAll('vectors')).every((v) => v.lookId === 'A')).toBe(true);
    // The like named B's garments, which were left out; the piece keeps the one of A.
    expect(result).toMatchObject({ pieces: 1, likes: 0, recordsLeftOut: 1 });
    const kept = (await target.get('pieces', 'piece-1'))?.garmentIds ?? [];
    expect(kept).toHaveLength(1);
    expect(a.garments.map((g: { id: string }) => g.id)).toContain(kept[0]);
  });

  it('restores the looks before the point where a file is cut short, and says which ones are missing', async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    const { header } = await headerOf(blob);
    const dataAt = blob.size - header.looks.reduce((s: number, l: any) => s + l.photo.bytes + l.thumb.bytes + l.vectors.reduce((t: number, v: any) => t + 4 * v.dim, 0), 0);
    // Cut inside the last look's photo (looks are written oldest first: A, B, then P).
    const cut = blob.slice(0, dataAt + header.looks[2].photo.at + 3);
    target = await fresh();
    const result = await restoreBackup(target, cut);
    expect(result).toMatchObject({ restored: 2, problems: [{ name: 'p.jpg', problem: 'its photo lies past the end of the file (the backup is cut short)' }] });
    expect((await target.getAll('looks')).map((l) => l.id).sort()).toEqual(['A', 'B']);
  });

  it('drops vectors that do not fit their look and has the look re-embedded instead', async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    const { header, data } = await headerOf(blob);
    header.looks[0].vectors[1].modelVersion = 'another model';
    header.looks[1].vectors.pop();
    target = await fresh();
    const result = await restoreBackup(target, craft(header, data));
    expect(result).toMatchObject({ restored: 3, reembed: 2, problems: [] });
    expect(result.vectors).toBe(0);
    expect(await target.count('vectors')).toBe(0);
    // No model version: the re-embedding migration takes them (looksToReembed), garments and corrections kept.
    expect((await target.get('looks', 'A'))?.modelVersion).toBeUndefined();
    expect((await target.getAll('garments')).filter((g) => g.corrected)).toHaveLength(1);
  });

  it('leaves out a look whose photo does not decode', async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    target = await fresh();
    const result = await restoreBackup(target, blob, { decodes: async (image) => !(await image.text()).includes('photo B') });
    expect(result).toMatchObject({ restored: 2, problems: [{ name: 'b.jpg', problem: 'its photo cannot be decoded (a damaged image)' }] });
  });

  it("stops when the device's storage is full, keeping the looks restored before", async () => {
    const db = await collection();
    const { blob } = await writeBackup(db);
    target = await fresh();
    let calls = 0;
    // The second look's photo is where the storage runs out (any step of a look can meet it).
    const result = await restoreBackup(target, blob, {
      decodes: async () => {
        if (++calls === 3) throw new DOMException('the quota is used up', 'QuotaExceededError');
        return true;
      },
    });
    expect(result).toMatchObject({ restored: 1, storageFull: 2, problems: [] });
    expect((await target.getAll('looks')).map((l) => l.id)).toEqual(['A']);
  });

  it('says what a restore did in words, naming each look left out', () => {
    const none: RestoreResult = { restored: 0, alreadyHere: 0, problems: [], pending: 0, reembed: 0, vectors: 0, pieces: 0, likes: 0, recordsLeftOut: 0, storageFull: 0 };
    expect(restoreMessages({ ...none, restored: 1 }, 'b.mirror')).toEqual({ info: 'Restored 1 look from b.mirror.', errors: [] });
    expect(restoreMessages({ ...none, alreadyHere: 3 }, 'b.mirror').info).toBe('Nothing new to restore from b.mirror (3 looks already in your collection left as they are).');
    const said = restoreMessages({ ...none, restored: 4, reembed: 1, pending: 1, pieces: 2, likes: 1, problems: [{ name: 'x.jpg', problem: 'its photo cannot be decoded (a damaged image)' }], storageFull: 5 }, 'b.mirror');
    expect(said.info).toBe('Restored 4 looks from b.mirror (2 looks to analyse again on this device; 2 wardrobe pieces; 1 like or dislike).');
    expect(said.errors).toEqual([
      'b.mirror: "x.jpg" was not restored: its photo cannot be decoded (a damaged image).',
      "b.mirror: the device's storage is full; 5 looks of the backup were not restored. Free some space and restore it again: the looks restored already are kept.",
    ]);
  });
});
