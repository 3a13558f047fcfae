/**
 * The wardrobe: garments of several looks grouped into pieces, with wears and cost per wear; merge, split,
 * rename and delete. What the garment rules find on drawn figures varies, so the test replaces each
 * analysed look's garments with known ones (category, colours, colour histogram, item vector) straight in IndexedDB.
 */
import type { Page } from '@playwright/test';
import { EMBEDDING_DIM } from '../../common/constants';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';
import { withDb } from './support/idb';

/** A unit vector along `axis` (EMBEDDING_DIM, the app's size). */
function vec(axis: number): number[] {
  const v = new Array(EMBEDDING_DIM).fill(0);
  v[axis] = 1;
  return v;
}

/** A 64-cell colour histogram with `share` in `cell` and the rest in cell 63 (white). */
function hist(cell: number, share: number): number[] {
  const h = new Array(64).fill(0);
  h[cell] = share;
  h[63] += 1 - share;
  return h;
}

interface Seed {
  look: number;
  category: string;
  colour: string;
  /** The colour histogram, which tells pieces apart (grouping.ts). */
  histogram: number[];
  vector: number[];
}

async function seedGarments(page: Page, seeds: Seed[]): Promise<void> {
  await withDb(page, async ({ db, result, all, committed }, seeds) => {
    const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
    const looks = await all<{ id: string; name: string; modelVersion: string }>('looks', tx);
    looks.sort((a, b) => a.name.localeCompare(b.name));
    // Whatever the rules found on the drawn figures goes, so that the looks hold exactly the seeded garments.
    tx.objectStore('garments').clear();
    const oldKeys = await result(tx.objectStore('vectors').index('byKind').getAllKeys('garment'));
    for (const key of oldKeys) tx.objectStore('vectors').delete(key);
    seeds.forEach((s, i) => {
      const look = looks[s.look];
      const id = `seeded-${i}`;
      tx.objectStore('garments').put({ id, lookId: look.id, category: s.category, box: [60, 70, 120, 110], score: 0.9, colours: [{ name: s.colour, rgb: [200, 40, 40], fraction: 1 }], histogram: s.histogram });
      tx.objectStore('vectors').put({ id: `garment:${id}`, kind: 'garment', lookId: look.id, vector: Float32Array.from(s.vector), modelVersion: look.modelVersion });
    });
    await committed(tx);
  }, seeds);
}

/** The app with three analysed looks (a.jpg, b.jpg, c.jpg), whose garments seedGarments then replaces. */
async function openWithThreeLooks(page: Page): Promise<void> {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles(
    ['a.jpg', 'b.jpg', 'c.jpg'].map((name, i) => ({ name, mimeType: 'image/jpeg', buffer: makeFigureJpeg(200 + i * 20, 300) })),
  );
  await waitForAnalysis(page, 3);
}

test('garments become pieces with wears and cost per wear; merge, split, rename and delete', async ({ page }) => {
  await openWithThreeLooks(page);
  await seedGarments(page, [
    { look: 0, category: 'top', colour: 'red', histogram: hist(48, 0.9), vector: vec(0) },
    { look: 1, category: 'top', colour: 'red', histogram: hist(48, 0.88), vector: vec(1) },
    { look: 2, category: 'top', colour: 'red', histogram: hist(32, 0.9), vector: vec(2) }, // another red: another piece
    { look: 2, category: 'bottom', colour: 'blue', histogram: hist(3, 1), vector: vec(20) },
  ]);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wardrobe' }).click();
  await expect(page.getByText('4 garments not in a piece yet')).toBeVisible();
  // What the person wears, by looks: red in all three, blue in one; a top in all three, a bottom in one.
  const colours = page.getByRole('list', { name: 'Colours you wear most' }).getByRole('listitem');
  await expect(colours).toHaveText([/red\s*3 of 3/, /blue\s*1 of 3/]);
  await expect(page.getByRole('list', { name: 'What you wear' }).getByRole('listitem')).toHaveText([/top\s*3 of 3/, /bottom\s*1 of 3/]);
  await expect(page.getByText('No pieces yet. Press Group garments to find the garments you wore more than once.')).toBeVisible();
  await page.getByRole('button', { name: 'Group garments' }).click();
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Grouped 4 garments: 3 new pieces, 0 added to pieces you already had.');
  const tops = page.getByRole('list', { name: 'Pieces: top' }).getByRole('listitem');
  await expect(tops).toHaveCount(2);
  await expect(tops.first()).toContainText('Worn 2 times');
  await expect(tops.first()).toContainText(/Worn 2 times\s*·\s*on \S/); // both looks of one day: one date, not "first X · last X"

  // Name and price the piece worn twice: 30 EUR over 2 wears.
  // Each piece shows its name and wears; renaming, pricing, merging and deleting unfold under Edit.
  const twice = tops.first();
  await expect(twice.getByRole('heading', { name: 'Unnamed top' })).toBeVisible();
  await expect(twice.getByLabel('Name', { exact: true })).toBeHidden();
  await twice.getByText('Edit', { exact: true }).click();
  await twice.getByLabel('Name', { exact: true }).fill('Red linen shirt');
  await twice.getByRole('button', { name: 'Rename' }).click();
  const shirt = page.getByRole('listitem', { name: 'Red linen shirt' });
  await expect(shirt.getByRole('heading', { name: 'Red linen shirt' })).toBeVisible();
  await shirt.getByLabel('Price', { exact: true }).fill('30');
  await shirt.getByRole('button', { name: 'Save price' }).click();
  await expect(shirt).toContainText(/15[.,]00.*per wear/);

  // Merge the other top into it: 3 wears, 10 per wear. Then split one off again.
  await shirt.getByRole('combobox').selectOption({ label: 'Unnamed top (1×)' });
  await shirt.getByRole('button', { name: 'Merge' }).click();
  await expect(tops).toHaveCount(1);
  await expect(shirt).toContainText('Worn 3 times');
  await expect(shirt).toContainText(/10[.,]00.*per wear/);
  await shirt.getByRole('button', { name: /^Not the same piece/ }).last().click();
  await expect(tops).toHaveCount(2);
  await page.screenshot({ path: 'test-results/wardrobe.png', fullPage: true });

  // On a phone a piece is one row, its photos with its name and wears beside them, and its open forms fit the screen.
  const desktop = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  const photo = await shirt.getByRole('img').first().boundingBox();
  const name = await shirt.getByRole('heading', { name: 'Red linen shirt' }).boundingBox();
  expect(name!.x).toBeGreaterThan(photo!.x + photo!.width);
  await expect(shirt.getByLabel('Price', { exact: true })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'test-results/wardrobe-phone.png', fullPage: true });
  await page.setViewportSize(desktop);

  // Delete the bottom: it is set aside and grouping again does not bring it back; its look stays.
  const bottom = page.getByRole('list', { name: 'Pieces: bottom' }).getByRole('listitem');
  await bottom.getByText('Edit', { exact: true }).click();
  await bottom.getByRole('button', { name: 'Delete piece' }).click();
  await bottom.getByRole('button', { name: /Yes, delete/ }).click();
  await expect(page.getByRole('list', { name: 'Pieces: bottom' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Group garments' }).click();
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Every garment is already in a piece.');
  await expect(page.getByRole('list', { name: 'Pieces: bottom' })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collection' }).click();
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(3);
});

test('renaming or pricing a piece does not decode the photos of the wardrobe again', async ({ page }) => {
  // Every action re-reads the wardrobe, and each re-read hands over new Blobs of the same photos: the crops follow
  // the look and the box (src/ui/crop-cache.ts), so the photos are decoded once, not after every action.
  await page.addInitScript(() => {
    const decode = globalThis.createImageBitmap.bind(globalThis);
    (window as unknown as { decodes: number }).decodes = 0;
    globalThis.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
      (window as unknown as { decodes: number }).decodes += 1;
      return decode(...args);
    }) as typeof createImageBitmap;
  });
  const decodes = () => page.evaluate(() => (window as unknown as { decodes: number }).decodes);
  await openWithThreeLooks(page);
  await seedGarments(page, [
    { look: 0, category: 'top', colour: 'red', histogram: hist(48, 0.9), vector: vec(0) },
    { look: 1, category: 'top', colour: 'red', histogram: hist(48, 0.88), vector: vec(1) },
    { look: 2, category: 'bottom', colour: 'blue', histogram: hist(3, 1), vector: vec(20) },
  ]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wardrobe' }).click();
  await page.getByRole('button', { name: 'Group garments' }).click();
  const tops = page.getByRole('list', { name: 'Pieces: top' }).getByRole('listitem');
  await expect(tops).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Pieces: bottom' }).getByRole('listitem')).toHaveCount(1);
  await expect.poll(decodes).toBeGreaterThanOrEqual(3); // the three crops, drawn
  const shown = await decodes();

  await tops.first().getByText('Edit', { exact: true }).click();
  await tops.first().getByLabel('Name', { exact: true }).fill('Red linen shirt');
  await tops.first().getByRole('button', { name: 'Rename' }).click();
  const shirt = page.getByRole('listitem', { name: 'Red linen shirt' });
  await shirt.getByLabel('Price', { exact: true }).fill('30');
  await shirt.getByRole('button', { name: 'Save price' }).click();
  await expect(shirt).toContainText(/15[.,]00.*per wear/);
  expect(await decodes()).toBe(shown);
});
