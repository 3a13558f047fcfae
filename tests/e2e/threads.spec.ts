/**
 * WASM threads really start in the bundled vision worker. tfjs-backend-wasm caps its pool at half the cores
 * (workers/backend.ts wasmThreads), which left a 2-core machine with one thread; on a cross-origin isolated page
 * with two cores or more the pool must now have at least two (read from Settings, which shows the worker's own
 * getThreadsCount()).
 */
import { test, expect, openApp } from './support/fixtures';

test('the vision worker runs WASM with more than one thread where the page is isolated', async ({ page }) => {
  await openApp(page);
  const { cores, isolated } = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated }));
  await page.goto('/#/settings');
  const line = page.getByText(/SIMD: (yes|no), threads: \d+/);
  await expect(line).toBeVisible({ timeout: 120_000 });
  const threads = Number(/threads: (\d+)/.exec(await line.innerText())![1]);
  expect(isolated).toBe(true);
  if (cores >= 2) expect(threads).toBeGreaterThanOrEqual(2);
  else expect(threads).toBe(1);
  expect(threads).toBeLessThanOrEqual(Math.max(2, cores));
});
