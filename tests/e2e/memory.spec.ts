/**
 * The vision worker disposes every tensor: after a warm-up photo, analysing 50 more photos of different
 * sizes and colours leaves tf.memory().numTensors in the worker where it was (read from Settings).
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg, type Rgb } from './support/images';

async function workerTensors(page: import('@playwright/test').Page): Promise<number> {
  await page.goto('/#/settings');
  const line = page.getByText(/TensorFlow\.js memory: \d+ tensors/);
  await expect(line).toBeVisible();
  return Number(/memory: (\d+) tensors/.exec(await line.innerText())![1]);
}

test('no growth of tensors in the vision worker across 50 photos', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([{ name: 'warm-up.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg() }]);
  await waitForAnalysis(page, 1);
  const before = await workerTensors(page);
  expect(before).toBeGreaterThan(0);

  await page.goto('/#/');
  const files = Array.from({ length: 50 }, (_, i) => {
    const shirt: Rgb = [(i * 47) % 256, (i * 91) % 256, (i * 13) % 256];
    const trousers: Rgb = [(i * 29) % 256, 60, (200 + i * 7) % 256];
    return { name: `look-${i}.jpg`, mimeType: 'image/jpeg', buffer: makeFigureJpeg(160 + (i % 5) * 40, 260 + (i % 7) * 30, shirt, trousers) };
  });
  await page.getByLabel('Add photos').setInputFiles(files);
  await waitForAnalysis(page, 51);

  expect(await workerTensors(page)).toBe(before);
});
