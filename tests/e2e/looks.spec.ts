/**
 * Real OOTD photos through the whole app: garments boxed and labelled, corrections saved, similar looks
 * and similar items found. Needs ../shared/data/ccp; skipped with the reason when it is absent.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CATEGORIES } from '../../common/categories';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { HAS_CCP, NO_CCP_REASON, ccpPhotoPaths } from './support/data';

test.skip(!HAS_CCP, NO_CCP_REASON);

const categoryPattern = new RegExp(`\\b(${CATEGORIES.join('|')})\\b`, 'i');

test('real photos: garments found and labelled, similar looks and items searched', async ({ page }) => {
  await openApp(page);
  const files = ccpPhotoPaths(4, 'val').map((path) => ({
    name: basename(path),
    mimeType: 'image/jpeg',
    buffer: readFileSync(path),
  }));
  await page.getByLabel('Add photos').setInputFiles(files);
  await waitForAnalysis(page, files.length);

  // Open a look: its garments are listed with their categories.
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items.first()).toBeVisible();
  expect(await items.count()).toBeGreaterThanOrEqual(2);
  for (const text of await items.allInnerTexts()) expect(text).toMatch(categoryPattern);

  // Similar looks: the other looks of the collection, ranked.
  await page.getByRole('button', { name: 'Similar looks' }).click();
  await expect(page.getByRole('list', { name: 'Similar looks' }).getByRole('listitem').first()).toBeVisible();
  // Each names its garments' categories, as the collection's cards do.
  for (const text of await page.getByRole('list', { name: 'Similar looks' }).getByRole('listitem').allInnerTexts()) expect(text).toMatch(categoryPattern);
  await expect(page.getByRole('slider', { name: 'Relevance threshold' })).toBeVisible();

  // Similar items for one garment.
  await page.goBack();
  await page.getByRole('list', { name: 'Detected items' }).getByRole('button', { name: /Similar items/ }).first().click();
  await expect(page.getByRole('list', { name: 'Similar items' }).getByRole('listitem').first()).toBeVisible();
  // They keep to the garment's category (the four photos each have a top, bottom and shoes).
  const category = (await page.getByRole('heading', { name: /Similar items to this/ }).innerText()).match(categoryPattern)?.[1];
  expect(category).toBeTruthy();
  for (const text of await page.getByRole('list', { name: 'Similar items' }).getByRole('listitem').allInnerTexts()) expect(text).toContain(category);

  // Reload keeps everything.
  await page.goto('/');
  await waitForAnalysis(page, files.length);
});
