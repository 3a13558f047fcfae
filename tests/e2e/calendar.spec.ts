/**
 * The collection as a calendar: each look on the day it was worn (its photo's date), a month at a time; the month
 * stays while the person opens a look and comes back.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { wornOn } from './support/images';

// Month names are the person's language: this test reads English ones.
test.use({ locale: 'en-US' });

test('looks are shown on the days they were worn, a month at a time', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([
    { name: 'may-1.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:05:01', [200, 40, 40]) },
    { name: 'may-1-evening.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:05:01', [40, 160, 60]) },
    { name: 'april.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:04:20', [40, 40, 200]) },
  ]);
  await waitForAnalysis(page, 3);

  await page.getByRole('button', { name: 'Calendar' }).click();
  await expect(page.getByRole('button', { name: 'Calendar' })).toHaveAttribute('aria-pressed', 'true');
  // The month of the newest look: 1 May 2026, with two looks that day.
  const may = page.getByRole('table', { name: 'Calendar, May 2026' });
  await expect(may).toBeVisible();
  await expect(page.getByText('2 looks', { exact: true })).toBeVisible();
  await expect(may.getByRole('link')).toHaveCount(1);
  await expect(may.getByRole('cell').filter({ has: page.getByRole('link') })).toContainText('1');
  await expect(may.getByText('+1')).toBeVisible();

  await page.getByRole('button', { name: 'Previous month' }).click();
  const april = page.getByRole('table', { name: 'Calendar, April 2026' });
  await expect(april.getByRole('link')).toHaveCount(1);
  await expect(april.getByRole('cell').filter({ has: page.getByRole('link') })).toContainText('20');
  await april.getByRole('link').click();
  await expect(page.getByText('april.jpg')).toBeVisible();

  // Back in the collection: still the calendar, still April.
  await page.getByRole('link', { name: '← Collection' }).click();
  await expect(page.getByRole('table', { name: 'Calendar, April 2026' })).toBeVisible();
  await page.getByRole('button', { name: 'Grid' }).click();
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(3);
});
