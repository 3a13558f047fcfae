/**
 * The shared Playwright fixture: every test fails if the app makes a request to any origin other than its
 * own (Mirror's privacy rule), and each test starts from an empty database.
 */
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ foreignRequests: string[]; typedOrigins: Set<string> }>({
  /**
   * Origins of addresses the person types in the test (a pack URL): the privacy rule allows requests the
   * person asked for, and only those. Empty unless a test adds one.
   */
  typedOrigins: async ({}, use) => {
    await use(new Set());
  },
  foreignRequests: [
    async ({ context, baseURL, typedOrigins }, use) => {
      const own = new URL(baseURL!).origin;
      const foreign: string[] = [];
      context.on('request', (req) => {
        const url = req.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        const origin = new URL(url).origin;
        if (origin !== own && !typedOrigins.has(origin)) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests to other origins (privacy rule)').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app and waits until it is ready to take photos. */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByLabel('Add photos')).toBeAttached();
}

/** Waits until no look in the collection is being analysed. */
export async function waitForAnalysis(page: Page, count: number): Promise<void> {
  const items = page.getByRole('list', { name: 'Collection' }).getByRole('listitem');
  await expect(items).toHaveCount(count, { timeout: 120_000 });
  await expect(page.getByRole('list', { name: 'Collection' }).locator('[aria-busy="true"]')).toHaveCount(0, {
    timeout: 180_000,
  });
}
