import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openMirrorDB } from '../../../common/db-open';
import type { LookRecord, PackRecord, VectorRecord } from '../../../common/db-schema';
import { MANIFEST_FILE, quantise, verifyPack, type LookbookLook } from '../../../common/pack-format';
import { makePack, mapReader } from '../../../common/pack-test-support';
import type { Reembedding } from '../../../common/types';
import { putPendingLook, saveAnalysis, type MirrorDb } from '../../db/looks';
import { reembedRequest, saveReembedding } from '../../db/reembed';
import { LookbookNotReady, lookbookEntries, matchFollowed, otherModelNote, shopFromPacks, type CurrentModel, type FollowedLook } from './pack-vectors';
import { analysis, unit } from '../../db/analysis-fixture';

// The old model's vectors are wider than the new one's, as MobileNetV2's 1280 were against garment-net's 128.
const OLD_DIM = 12;
const NEW_DIM = 4;
const NEW: CurrentModel = { modelVersion: 'new', dim: NEW_DIM };
let n = 0;
/** `count` looks analysed by the old model (named 0.jpg, 1.jpg, …). */
async function oldLooks(count: number): Promise<MirrorDb> {
  const db = await openMirrorDB({ name: `pack-vectors-test-${++n}` });
  for (let i = 0; i < count; i++) {
    const look: LookRecord = {
      id: `L${i}`, name: `${i}.jpg`, addedAt: 100 - i, width: 100, height: 200, status: 'pending', caption: `look ${i}`,
      photo: new Blob([`p${i}`]), thumb: new Blob(['t']), categories: [], colourNames: [],
    };
    await putPendingLook(db, look);
    await saveAnalysis(db, look.id, analysis('old', OLD_DIM));
  }
  return db;
}

/** What the model update does to one look: new vectors of the new model, written in one transaction. */
async function reembed(db: MirrorDb, lookId: string): Promise<void> {
  const request = (await reembedRequest(db, lookId))!;
  const result: Reembedding = {
    garments: request.garments.map((_, i) => ({ embedding: unit(NEW_DIM, i + 1), colours: [], histogram: [] })),
    lookEmbedding: unit(NEW_DIM),
    modelVersion: 'new',
  };
  expect(await saveReembedding(db, request, result)).not.toBeNull();
}

const notReady = async (p: Promise<unknown>): Promise<LookbookNotReady> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(LookbookNotReady);
  return e as LookbookNotReady;
};

describe('lookbook export: which vectors go out', () => {
  it('takes the current model’s vectors of updated looks, ready for quantise at the current size', async () => {
    const db = await oldLooks(2);
    await reembed(db, 'L0');
    await reembed(db, 'L1');
    const entries = await lookbookEntries(db, ['L1', 'L0'], NEW, false);
    expect(entries.map((e) => e.look.id)).toEqual(['L1', 'L0']);
    for (const e of entries) {
      expect(e.garments.map((g) => g.category)).toEqual(['top', 'bottom']);
      expect(e.vectors.map((v) => v.length)).toEqual([NEW_DIM, NEW_DIM, NEW_DIM]);
    }
    const bytes = quantise(entries.flatMap((e) => e.vectors), NEW_DIM);
    expect(bytes.length).toBe(6 * 4 + 6 * NEW_DIM);
    db.close();
  });

  it('names a chosen look still waiting for its re-embedding instead of mixing models', async () => {
    const db = await oldLooks(2);
    await reembed(db, 'L0');
    const e = await notReady(lookbookEntries(db, ['L0', 'L1'], NEW, true));
    expect(e.message).toBe('1.jpg is still being updated for the new model; try again in a moment');
    db.close();
  });

  it('says so in words, not with a RangeError, when every chosen look is still on the old model', async () => {
    const db = await oldLooks(5);
    expect((await notReady(lookbookEntries(db, ['L0', 'L1'], NEW, true))).message).toBe(
      '0.jpg and 1.jpg are still being updated for the new model; try again in a moment',
    );
    expect((await notReady(lookbookEntries(db, ['L0', 'L1', 'L2', 'L3', 'L4'], NEW, true))).message).toBe(
      '0.jpg, 1.jpg and 3 other looks are still being updated for the new model; try again in a moment',
    );
    // The update has stopped and left it behind (its re-embedding failed): no "in a moment".
    expect((await notReady(lookbookEntries(db, ['L2'], NEW, false))).message).toBe(
      '2.jpg could not be updated for the new model yet (Mirror tries again when it next starts); leave it out for now',
    );
    db.close();
  });

  it('leaves out a garment whose vector is not of the current model, and refuses a look vector of another size', async () => {
    const db = await oldLooks(1);
    await reembed(db, 'L0');
    const [top] = await db.getAllFromIndex('garments', 'byLook', 'L0').then((g) => g.filter((x) => x.category === 'top'));
    await db.put('vectors', { id: `garment:${top.id}`, kind: 'garment', lookId: 'L0', vector: unit(OLD_DIM), modelVersion: 'old' });
    const [entry] = await lookbookEntries(db, ['L0'], NEW, false);
    expect(entry.garments.map((g) => g.category)).toEqual(['bottom']);
    expect(entry.vectors).toHaveLength(2);

    // A look vector of the right version but another size (never written by the app) is not exported either.
    await db.put('vectors', { id: 'look:L0', kind: 'look', lookId: 'L0', vector: unit(OLD_DIM), modelVersion: 'new' });
    expect((await notReady(lookbookEntries(db, ['L0'], NEW, true))).message).toMatch(/^0\.jpg is still being updated/);
    db.close();
  });

  it('names looks that are not analysed or were deleted, and needs at least one', async () => {
    const db = await oldLooks(1);
    await reembed(db, 'L0');
    await db.put('looks', { ...(await db.get('looks', 'L0'))!, status: 'pending' });
    expect((await notReady(lookbookEntries(db, ['L0'], NEW, false))).message).toBe('0.jpg is not analysed yet; leave it out or try again once analysed');
    expect((await notReady(lookbookEntries(db, ['gone'], NEW, false))).message).toBe('a chosen look was deleted meanwhile; choose the looks again');
    expect((await notReady(lookbookEntries(db, [], NEW, false))).message).toBe('choose at least one analysed look');
    db.close();
  });
});

// ---------------------------------------------------------------------------------------------------

async function installed(kind: 'catalog' | 'lookbook', id: string, modelVersion: string, dim: number): Promise<PackRecord> {
  const { files } = await makePack({ dim, modelVersion });
  const pack = await verifyPack(files.get(MANIFEST_FILE)!, mapReader(files));
  const manifest = { ...pack.manifest, id, kind, title: `Pack ${id}` };
  // A lookbook of one look with one garment: its look vector (product 1's) then the garment's (product 2's).
  const looks: LookbookLook[] | undefined =
    kind === 'lookbook'
      ? [{ id: 'look-1', caption: '', tags: [], takenAt: '2026-01-01T00:00:00Z', photo: 'photos/1.jpg', width: 1, height: 1, garments: [{ category: 'top', box: [0, 0, 1, 1], colours: [] }] }]
      : undefined;
  return { id, manifest, products: kind === 'catalog' ? pack.products : [], looks, scales: pack.scales, vectors: pack.vectors, source: { type: 'files' }, addedAt: 0, bytes: 0 };
}

const own = (vector: Float32Array, modelVersion = 'new'): VectorRecord => ({ id: 'look:x', kind: 'look', lookId: 'x', vector, modelVersion });

describe('installed packs of another model', () => {
  it('Shop the look compares only current catalogs, names the others, and waits for a garment being updated', async () => {
    const current = await installed('catalog', 'current', 'new', NEW_DIM);
    const stale = await installed('catalog', 'stale', 'old', OLD_DIM);
    const sameSizeOtherModel = await installed('catalog', 'other', 'older', NEW_DIM);
    const lookbook = await installed('lookbook', 'friend', 'new', NEW_DIM);
    const packs = [current, stale, sameSizeOtherModel, lookbook];

    const r = shopFromPacks({ category: 'top' }, own(unit(NEW_DIM)), packs, NEW);
    expect(r.packs).toBe(3);
    expect(r.updating).toBe(false);
    expect(r.products.map((p) => `${p.packId}/${p.product.id}`)).toEqual(['current/p1', 'current/p2']);
    expect(r.skipped).toEqual(['Pack stale', 'Pack other']);

    // Only stale catalogs: nothing to show, but the person is told why (the view words it per pack).
    const onlyStale = shopFromPacks({ category: 'top' }, own(unit(NEW_DIM)), [stale], NEW);
    expect(onlyStale).toMatchObject({ products: [], skipped: ['Pack stale'], updating: false });

    // A garment still on the old model finds nothing anywhere, and says it is being updated.
    expect(shopFromPacks({ category: 'top' }, own(unit(OLD_DIM), 'old'), packs, NEW)).toEqual({ packs: 3, skipped: [], products: [], updating: true });
    // No catalog at all: nothing to wait for.
    expect(shopFromPacks({ category: 'top' }, own(unit(OLD_DIM), 'old'), [lookbook], NEW)).toEqual({ packs: 0, skipped: [], products: [], updating: false });
  });

  it('followed lookbooks of another model are left out of similar looks and named', async () => {
    const current = await installed('lookbook', 'current', 'new', NEW_DIM);
    const stale = await installed('lookbook', 'stale', 'old', OLD_DIM);
    const followed: FollowedLook[] = [current, stale].map((pack) => ({ key: `${pack.id}/look-1`, pack, look: pack.looks![0], vectorIndex: 0 }));

    const looks = matchFollowed(own(unit(NEW_DIM)), followed, 'look', NEW);
    expect(looks.updating).toBe(false);
    expect(looks.matches.map((m) => m.item.key)).toEqual(['current/look-1']);
    expect(looks.matches[0].score).toBeCloseTo(1 / Math.hypot(1, 0.1, 0.1, 0.1), 2);
    expect(looks.skipped.map((p) => p.id)).toEqual(['stale']);

    const garments = matchFollowed(own(unit(NEW_DIM, 1)), followed, 'garment', NEW);
    expect(garments.matches.map((m) => [m.item.key, m.garment])).toEqual([['current/look-1', 0]]);
    expect(garments.matches[0].score).toBeCloseTo(1 / Math.hypot(1, 0.1, 0.1, 0.1), 2);
    // Similar items keep to the garment's category: the lookbook's garment is a top.
    const category = current.looks![0].garments[0].category;
    expect(matchFollowed(own(unit(NEW_DIM, 1)), followed, 'garment', NEW, 12, { garment: { category } }).matches).toHaveLength(1);
    expect(matchFollowed(own(unit(NEW_DIM, 1)), followed, 'garment', NEW, 12, { garment: { category: category === 'shoes' ? 'bag' : 'shoes' } }).matches).toEqual([]);
    // With histograms on both sides the colours count, as in the person's own Similar items.
    const red = Array.from({ length: 64 }, (_, i) => (i === 48 ? 1 : 0));
    const redFriend: FollowedLook = { ...followed[0], look: { ...followed[0].look, garments: [{ ...followed[0].look.garments[0], histogram: red }] } };
    const cosine = garments.matches[0].score;
    const sameRed = matchFollowed(own(unit(NEW_DIM, 1)), [redFriend], 'garment', NEW, 12, { garment: { category, histogram: red } }).matches[0].score;
    expect(sameRed).toBeCloseTo((cosine + 0.09) / 1.09, 5);
    const blue = Array.from({ length: 64 }, (_, i) => (i === 3 ? 1 : 0));
    expect(matchFollowed(own(unit(NEW_DIM, 1)), [redFriend], 'garment', NEW, 12, { garment: { category, histogram: blue } }).matches[0].score).toBeCloseTo(cosine / 1.09, 5);
    // Similar looks compare the looks' garments colour by colour, with the looks' weight (0.7: 0.49 of the affinity).
    const lookCosine = looks.matches[0].score;
    const redLook = matchFollowed(own(unit(NEW_DIM)), [redFriend], 'look', NEW, 12, { lookGarments: [{ category, histogram: red }] }).matches[0].score;
    expect(redLook).toBeCloseTo((lookCosine + 0.49) / 1.49, 5);
    expect(matchFollowed(own(unit(NEW_DIM)), [redFriend], 'look', NEW, 12, { lookGarments: [{ category: 'shoes', histogram: red }] }).matches[0].score).toBeCloseTo(lookCosine, 5);

    // The person's own look is still on the old model: compared with nothing, not even the stale lookbook.
    expect(matchFollowed(own(unit(OLD_DIM), 'old'), followed, 'look', NEW)).toEqual({ matches: [], skipped: [], updating: true });
  });

  it('says what another model version means for each kind of pack', async () => {
    expect(otherModelNote(await installed('catalog', 'a', 'new', NEW_DIM), NEW)).toBeNull();
    expect(otherModelNote(await installed('catalog', 'b', 'old', OLD_DIM), NEW)).toBe(
      'This catalog was made for another model version, so Shop the look leaves it out: ask its publisher for an update.',
    );
    expect(otherModelNote(await installed('lookbook', 'c', 'old', NEW_DIM), NEW)).toMatch(/^This lookbook was made for another model version: its looks stay in your Feed/);
  });
});
