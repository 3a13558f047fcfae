/**
 * Sharing in and out. In: the PWA share target: the manifest declares it, and a photo POSTed to it (as the system
 * share sheet does) is kept by the service worker and added to the collection when the app opens. Out: a look's photo
 * shared from the photo view (a download where the browser has no share sheet for files, as here), without metadata,
 * the face blurred when asked.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { HAS_CCP, NO_CCP_REASON, ccpPhotoPaths } from './support/data';
import { hasExif, makeFigureJpeg, withExif } from './support/images';

test('a photo shared to Mirror is added to the collection', async ({ page }) => {
  await openApp(page);
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.share_target).toMatchObject({ action: 'share-target', method: 'POST', enctype: 'multipart/form-data' });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  // What the share sheet does: a multipart POST of the photos to the share target, which answers 303.
  const jpeg = Array.from(makeFigureJpeg(220, 330, [40, 160, 60]));
  const landed = await page.evaluate(async (bytes) => {
    const form = new FormData();
    form.append('photos', new File([Uint8Array.from(bytes)], 'shared.jpg', { type: 'image/jpeg' }));
    const response = await fetch('share-target', { method: 'POST', body: form, redirect: 'manual' });
    return response.type === 'opaqueredirect' || response.status === 303;
  }, jpeg);
  expect(landed).toBe(true);

  expect(await page.evaluate(async () => (await (await caches.open('mirror-share-inbox')).keys()).length)).toBe(1);
  await page.reload(); // the app opens (as after the share sheet's redirect) and takes the inbox
  await waitForAnalysis(page, 1);
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(1);
  // The inbox is emptied: a reload does not add it twice.
  await page.reload();
  await waitForAnalysis(page, 1);
});

/** Adds one photo, opens its look, and returns a function that presses the photo view's share button and gives the file handed over. */
async function openLook(page: Page, photo: Buffer): Promise<() => Promise<{ name: string; bytes: Buffer }>> {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([{ name: 'today.jpg', mimeType: 'image/jpeg', buffer: photo }]);
  await waitForAnalysis(page, 1);
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().click();
  return async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download photo' }).click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  };
}

test("a look's photo is shared without location or camera data", async ({ page }) => {
  const photo = withExif(makeFigureJpeg(240, 360), { orientation: 1, dateTimeOriginal: '2026:05:01 10:00:00', latitude: 48.85, longitude: 2.35 });
  const press = await openLook(page, photo);
  await page.getByLabel('Blur face').uncheck();
  const { name, bytes } = await press();
  // Named by the day it was worn (the photo's EXIF date), a JPEG, and no EXIF (so no GPS) in it.
  expect(name).toBe('mirror-look-2026-05-01.jpg');
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  expect(hasExif(bytes)).toBe(false);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Saved the photo as mirror-look-2026-05-01.jpg, without location or camera data.');
});

test("real photo: a look's photo is shared with the face blurred", async ({ page }) => {
  test.skip(!HAS_CCP, NO_CCP_REASON);
  const [path] = ccpPhotoPaths(1, 'val');
  const press = await openLook(page, readFileSync(path));
  await page.getByLabel('Blur face').uncheck();
  const plain = await press();
  await page.getByLabel('Blur face').check();
  const blurred = await press();
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText(`Saved the photo as ${blurred.name}, without location or camera data, face blurred.`);
  expect(hasExif(blurred.bytes)).toBe(false);
  expect(blurred.bytes.equals(plain.bytes)).toBe(false);
});
