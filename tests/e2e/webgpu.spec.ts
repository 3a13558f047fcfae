/**
 * WebGPU correctness: headless Chromium here exposes a SwiftShader (CPU) WebGPU adapter, ~100x slower than
 * WASM, so the check runs garment-net on one 224 x 224 crop on both backends and compares its outputs (type
 * probabilities and embedding).
 */
import { test, expect, openApp } from './support/fixtures';

test('the WebGPU backend matches WASM on garment-net', async ({ page }) => {
  await openApp(page);
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(true);
  await page.goto('/#/settings');
  await page.getByRole('button', { name: 'Check backends' }).click();
  const result = page.getByRole('status').filter({ hasText: /webgpu/i }).first();
  await expect(result).toContainText(/All backends agree/i, { timeout: 170_000 });
  // Both backends really ran: each has a timing row.
  await expect(result).toContainText(/wasm\s*\d+\s*ms/);
  await expect(result).toContainText(/webgpu\s*\d+\s*ms/);
});
