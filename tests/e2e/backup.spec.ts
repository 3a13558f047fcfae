/**
 * Back up and restore, as a person does it in Settings: the collection written to one file, everything deleted, the
 * file restored: the looks come back with their photos, items and captions, and similar looks work again. A file
 * that is no backup is refused by its name, with nothing changed.
 */
import { EMBEDDING_DIM } from '../../common/constants';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { withDb } from './support/idb';
import { makeFigureJpeg } from './support/images';

test('backs up the collection to a file and restores it after everything was deleted', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([
    { name: 'red.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(240, 360) },
    { name: 'green.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(220, 330, [40, 160, 60], [200, 200, 190]) },
  ]);
  await waitForAnalysis(page, 2);
  // The detector finds nothing on drawn figures: each look gets a garment and vectors as an analysis would write
  // them (the two looks' vectors close, so that each is the other's similar look).
  await withDb(page, async ({ db, all, committed }, dim) => {
    const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
    const looks = await all<{ id: string; modelVersion: string }>('looks', tx);
    looks.forEach((look, i) => {
      const vector = new Float32Array(dim);
      vector[0] = 1;
      vector[1 + i] = 0.3;
      const id = `seeded-${i}`;
      tx.objectStore('garments').put({ id, lookId: look.id, category: i === 0 ? 'top' : 'dress', box: [60, 70, 120, 110], score: 0.9, colours: [{ name: 'red', rgb: [200, 40, 40], fraction: 1 }] });
      for (const [vid, kind] of [[`garment:${id}`, 'garment'], [`look:${look.id}`, 'look']]) {
        tx.objectStore('vectors').put({ id: vid, kind, lookId: look.id, vector, modelVersion: look.modelVersion });
      }
    });
    await committed(tx);
  }, EMBEDDING_DIM);
  await page.reload();
  await waitForAnalysis(page, 2);
  const collection = page.getByRole('list', { name: 'Collection' }).getByRole('listitem');

  // The person's own words on the newest look, to see them come back.
  await collection.first().click();
  await page.getByLabel('Caption').fill('Sunday market');
  await page.getByRole('button', { name: 'Save caption' }).click();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
  const detected = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(detected.first()).toBeVisible();
  const items = await detected.allInnerTexts();

  await page.getByRole('link', { name: 'Settings' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Back up my looks' }).click();
  const download = await downloading;
  const name = download.suggestedFilename();
  expect(name).toMatch(/^mirror-backup-\d{4}-\d{2}-\d{2}\.mirror$/);
  const file = test.info().outputPath(name);
  await download.saveAs(file);
  await expect(page.getByText(`Backed up 2 looks`)).toBeVisible();

  // A photo is no backup: refused by name, nothing restored.
  await page.getByLabel('Restore from a backup').setInputFiles([{ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg() }]);
  await expect(page.getByRole('alert').getByText('holiday.jpg is not a Mirror backup')).toBeVisible();

  await page.getByRole('button', { name: 'Delete everything' }).click();
  await page.getByRole('button', { name: 'Yes, delete everything' }).click();
  await expect(page.getByText('Everything was deleted.')).toBeVisible();
  await page.getByRole('link', { name: 'Collection' }).click();
  await expect(collection).toHaveCount(0);

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Restore from a backup').setInputFiles(file);
  await expect(page.getByText(`Restored 2 looks from ${name}.`)).toBeVisible();

  await page.getByRole('link', { name: 'Collection' }).click();
  await waitForAnalysis(page, 2);
  // The caption came back with its look: the collection's search finds it.
  await page.getByLabel('Search').fill('MARKET');
  await expect(collection).toHaveCount(1);
  await expect(collection.first()).toContainText('Sunday market');
  await collection.first().click();
  await expect(page.getByLabel('Caption')).toHaveValue('Sunday market');
  await expect(detected).toHaveCount(items.length);
  expect(await detected.allInnerTexts()).toEqual(items);
  // The photo itself came back (decoded and shown), and the restored vectors answer a search.
  await expect.poll(() => page.locator('img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Similar looks' }).click();
  await expect(page.getByRole('list', { name: 'Similar looks' }).getByRole('listitem').first()).toBeVisible();

  // Restoring the same file again adds nothing.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Restore from a backup').setInputFiles(file);
  await expect(page.getByText(`Nothing new to restore from ${name} (2 looks already in your collection left as they are).`)).toBeVisible();
  await page.getByRole('link', { name: 'Collection' }).click();
  await page.getByLabel('Search').fill('');
  await expect(collection).toHaveCount(2);
});
