/**
 * Stepping through the looks from the photo view (Newer / Older, the arrow keys, a swipe across the photo) in the order the collection shows
 * them, its search and filters included; the search stays while the person opens a look and comes back, and a caption
 * typed but not saved is kept when the person leaves the look.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { wornOn } from './support/images';

test('the photo view steps through the looks as the collection shows them', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([
    { name: 'walk-june.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:06:14', [200, 40, 40]) },
    { name: 'office-may.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:05:02', [40, 160, 60]) },
    { name: 'walk-april.jpg', mimeType: 'image/jpeg', buffer: wornOn('2026:04:20', [40, 40, 200]) },
  ]);
  await waitForAnalysis(page, 3);
  const steps = page.getByRole('navigation', { name: 'Other looks' });

  // The whole collection, newest first.
  await page.getByRole('list', { name: 'Collection' }).getByRole('link').first().click();
  await expect(page.getByText('walk-june.jpg')).toBeVisible();
  await expect(steps).toContainText('1 of 3');
  await expect(steps.getByRole('link', { name: '← Newer' })).toHaveCount(0); // the newest has none
  await page.keyboard.press('ArrowRight');
  await expect(page.getByText('office-may.jpg')).toBeVisible();
  await expect(steps).toContainText('2 of 3');
  await steps.getByRole('link', { name: 'Older →' }).click();
  await expect(page.getByText('walk-april.jpg')).toBeVisible();
  await expect(steps).toContainText('3 of 3');
  await expect(steps.getByRole('link', { name: 'Older →' })).toHaveCount(0);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByText('office-may.jpg')).toBeVisible();

  // A finger swiped across the photo: to the left the older look, to the right the newer (a mouse drag is no swipe).
  const swipe = async (dx: number, pointerType = 'touch') => {
    const photo = page.locator('figure.stage svg');
    const box = (await photo.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await photo.dispatchEvent('pointerdown', { pointerId: 7, pointerType, isPrimary: true, clientX: x, clientY: y });
    await photo.dispatchEvent('pointerup', { pointerId: 7, pointerType, isPrimary: true, clientX: x + dx, clientY: y + 5 });
  };
  await swipe(-150);
  await expect(page.getByText('walk-april.jpg')).toBeVisible();
  await swipe(150, 'mouse');
  await expect(steps).toContainText('3 of 3');
  await swipe(150);
  await expect(page.getByText('office-may.jpg')).toBeVisible();

  // Arrow keys in the caption field move the caret, not the look.
  const caption = page.getByLabel('Caption');
  await caption.fill('Lunch');
  await caption.press('ArrowLeft');
  await expect(page.getByText('office-may.jpg')).toBeVisible();

  // Leaving the look keeps the caption typed but not saved; with a search, only the looks it finds are stepped
  // through, and the search is still there back in the collection.
  await page.getByRole('link', { name: '← Collection' }).click();
  await expect(page.getByText('Caption saved.')).toBeVisible();
  await page.getByLabel('Search').fill('lunch');
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(1);
  await page.getByLabel('Search').fill('walk');
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(2);
  await page.getByRole('list', { name: 'Collection' }).getByRole('link').first().click();
  await expect(page.getByText('walk-june.jpg')).toBeVisible();
  await expect(steps).toContainText('1 of 2');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByText('walk-april.jpg')).toBeVisible();
  await expect(steps).toContainText('2 of 2');
  await page.getByRole('link', { name: '← Collection' }).click();
  await expect(page.getByLabel('Search')).toHaveValue('walk');
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('listitem')).toHaveCount(2);
});
