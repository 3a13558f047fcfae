/**
 * The PWA share target: the manifest declares it, and a photo POSTed to it (as the system share sheet
 * does) is kept by the service worker and added to the collection when the app opens.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';

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
