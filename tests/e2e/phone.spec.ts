/**
 * On a phone-sized screen: the app fits the screen's width (no sideways scrolling), the main navigation is a tab
 * bar along the bottom with every section on screen, and the end of a page can be scrolled clear of the bar.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';

const PHONE = { width: 390, height: 844 };
const SECTIONS = ['Collection', 'Wardrobe', 'Dress me', 'Feed', 'Packs', 'Settings'];

test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('on a phone every section is a tap away in a bottom tab bar, and no page is wider than the screen', async ({ page }) => {
  await openApp(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const bar = (await nav.boundingBox())!;
  expect(bar.y + bar.height).toBeCloseTo(PHONE.height, 0);
  for (const name of SECTIONS) {
    const link = (await nav.getByRole('link', { name }).boundingBox())!;
    expect(link.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(link.x + link.width, `${name} ends on screen`).toBeLessThanOrEqual(PHONE.width);
  }
  for (const name of SECTIONS) {
    await nav.getByRole('link', { name }).tap();
    await expect(nav.getByRole('link', { name })).toHaveAttribute('aria-current', 'page');
    expect(await pageWidth(page), `${name} fits the screen`).toBeLessThanOrEqual(PHONE.width);
  }
});

test('on a phone the photo view fits the screen and its last control scrolls clear of the tab bar', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([{ name: 'figure.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(240, 360) }]);
  await waitForAnalysis(page, 1);
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().tap();
  const last = page.getByRole('button', { name: 'Delete look' });
  await expect(last).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const bar = (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!;
  await expect.poll(async () => {
    const b = (await last.boundingBox())!;
    return b.y + b.height;
  }).toBeLessThanOrEqual(bar.y);
});
