/**
 * The database migration of 2026-12-04 (version 4 -> 5, common/db-open.ts) in a real browser: a database as the app
 * of 2026-12-03 left it, with colours named by the old palette's swatches, is opened by this app. The colours are
 * named again (a burgundy coat in shadow was "black", a light blue shirt "grey"), the look's colour summary and the
 * collection's colour filter follow, and nothing else is lost.
 */
import { test, expect, openApp } from './support/fixtures';
import { withDb } from './support/idb';
import { makeFigureJpeg } from './support/images';

test('colours stored under the old palette are named again when the app opens the database', async ({ page }) => {
  // A page of the app's origin that does not start the app, where the version 4 database is made by hand.
  await page.goto('/manifest.webmanifest');
  await page.evaluate(async (photo) => {
    const done = (request: IDBRequest | IDBTransaction) =>
      new Promise<void>((resolve, reject) => {
        if (request instanceof IDBTransaction) {
          request.oncomplete = () => resolve();
          request.onabort = () => reject(request.error);
        } else {
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }
      });
    const open = indexedDB.open('mirror', 4);
    open.onupgradeneeded = () => {
      // The stores of versions 1-4 (common/db-open.ts MIGRATIONS[0..3]).
      const db = open.result;
      const looks = db.createObjectStore('looks', { keyPath: 'id' });
      looks.createIndex('byAdded', 'addedAt');
      looks.createIndex('byStatus', 'status');
      db.createObjectStore('garments', { keyPath: 'id' }).createIndex('byLook', 'lookId');
      const vectors = db.createObjectStore('vectors', { keyPath: 'id' });
      vectors.createIndex('byLook', 'lookId');
      vectors.createIndex('byKind', 'kind');
      db.createObjectStore('settings');
      db.createObjectStore('packs', { keyPath: 'id' });
      db.createObjectStore('packImages', { keyPath: ['packId', 'path'] }).createIndex('byPack', 'packId');
      db.createObjectStore('network', { keyPath: 'id', autoIncrement: true }).createIndex('byAt', 'at');
      db.createObjectStore('pieces', { keyPath: 'id' });
      db.createObjectStore('outfitFeedback', { keyPath: 'key' }).createIndex('byAt', 'at');
      db.createObjectStore('outfitTaste', { keyPath: 'id' });
    };
    await done(open);
    const db = open.result;
    const blob = new Blob([Uint8Array.from(atob(photo), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
    const tx = db.transaction(['looks', 'garments', 'settings'], 'readwrite');
    tx.objectStore('looks').put({
      id: 'old-look', name: 'coat.jpg', addedAt: Date.now(), width: 240, height: 360, status: 'analysed', caption: 'Paris',
      photo: blob, thumb: blob, modelVersion: 'mirror-vision-6:as-stored-before', categories: ['top', 'outerwear'], colourNames: ['black', 'burgundy', 'grey'],
    });
    tx.objectStore('garments').put({
      id: 'coat', lookId: 'old-look', category: 'outerwear', box: [70, 58, 100, 125], score: 0.9,
      colours: [{ name: 'black', rgb: [46, 9, 20], fraction: 0.6 }, { name: 'burgundy', rgb: [92, 17, 39], fraction: 0.4 }],
    });
    tx.objectStore('garments').put({
      id: 'shirt', lookId: 'old-look', category: 'top', box: [80, 62, 80, 115], score: 0.8, type: { label: 'Shirt', score: 1 }, typeCorrected: true,
      colours: [{ name: 'grey', rgb: [130, 177, 231], fraction: 0.9 }],
    });
    tx.objectStore('settings').put('wasm', 'backend');
    await done(tx);
    db.close();
  }, makeFigureJpeg().toString('base64'));

  await openApp(page);
  type Stored = { version: number; look: { colourNames: string[]; categories: string[]; caption: string }; garments: Record<string, { colours: { name: string; rgb: number[]; fraction: number }[]; type?: { label: string } }>; backend: unknown };
  const stored = () =>
    withDb(page, async ({ db, all, result }): Promise<Stored> => {
      const garments: Stored['garments'] = {};
      for (const g of await all<{ id: string } & Stored['garments'][string]>('garments')) garments[g.id] = g;
      const tx = db.transaction(['looks', 'settings']);
      return {
        version: db.version,
        look: await result(tx.objectStore('looks').get('old-look')),
        garments,
        backend: await result(tx.objectStore('settings').get('backend')),
      };
    });
  await expect.poll(async () => (await stored()).version).toBe(5);
  const after = await stored();
  expect(after.garments.coat.colours).toEqual([{ name: 'burgundy', rgb: [64, 12, 28], fraction: 1 }]);
  expect(after.garments.shirt.colours).toEqual([{ name: 'blue', rgb: [130, 177, 231], fraction: 0.9 }]);
  expect(after.garments.shirt.type?.label).toBe('Shirt');
  expect(after.look).toMatchObject({ colourNames: ['blue', 'burgundy'], categories: ['top', 'outerwear'], caption: 'Paris' });
  expect(after.backend).toBe('wasm');

  // What the person sees: the collection filters by the new names, the photo view names the coat burgundy.
  const colourFilter = page.getByLabel('Colour');
  await expect(colourFilter.locator('option')).toHaveText(['All colours', 'blue', 'burgundy']);
  await page.goto('/#/look/old-look');
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items.filter({ hasText: 'outerwear' }).first()).toContainText('burgundy');
  await expect(items.filter({ hasText: 'top · shirt' }).first()).toContainText('blue');
});
