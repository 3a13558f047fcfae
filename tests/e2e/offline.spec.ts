/**
 * Installed PWA: after the first visit (service worker active, models cached), the app starts offline with
 * its collection, and can still analyse a new photo with the cached models.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';

test('works offline after the first visit', async ({ page, context }) => {
  await openApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.getByLabel('Add photos').setInputFiles([{ name: 'first.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg() }]);
  await waitForAnalysis(page, 1);
  // The page must be controlled by the service worker before going offline.
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await waitForAnalysis(page, 1);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

  await page
    .getByLabel('Add photos')
    .setInputFiles([{ name: 'offline.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(220, 330, [40, 160, 60]) }]);
  await waitForAnalysis(page, 2);
  await context.setOffline(false);
});
