/**
 * A walk through the built app as a person would take it, with real photos: every view screenshotted (full page) in
 * Debian's Chromium, for looking at what people see. Not a test (the e2e tests check behaviour); it prints what it
 * measured and exits 1 on a page error or a request to another origin.
 *
 *   npm run build
 *   node scripts/walk.mjs [--data ../shared/data/ccp] [--split val] [--count 8] [--width 1280] [--out /tmp/walk] [--pack DIR]
 *
 * Adds the first `count` photos of the split (sorted by id) through "Add photos", waits for their analysis, then visits
 * the collection (grid, calendar), a look, its Similar looks, Similar items and Complete the look of its first garment,
 * the wardrobe (after Group garments), Dress me, Feed, Packs and Settings. With `--pack DIR` (a catalog pack folder, e.g.
 * from `npm run --silent cli -- build-pack --data ../shared/data/clothing --split val --out DIR`) it first adds the pack
 * and also opens Shop the look of the look's first garment. Prints the analysis time, the height of each page and any
 * console error, and how long Similar looks and Similar items took to show.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, HEADLESS_ARGS } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/ccp' },
    split: { type: 'string', default: 'val' },
    count: { type: 'string', default: '8' },
    width: { type: 'string', default: '1280' },
    out: { type: 'string', default: '/tmp/walk' },
    port: { type: 'string', default: '4195' },
    pack: { type: 'string' },
  },
});
const width = Number(values.width);
const base = `http://localhost:${values.port}/`;
const ids = JSON.parse(readFileSync(join(values.data, 'annotations.json'), 'utf8'))
  .photos.filter((p) => p.split === values.split)
  .map((p) => p.id)
  .sort()
  .slice(0, Number(values.count));
if (ids.length === 0) throw new Error(`no photos of split ${values.split} in ${values.data}`);
mkdirSync(values.out, { recursive: true });

const server = spawn('npx', ['vite', 'preview', '--port', values.port, '--strictPort'], { stdio: 'ignore', detached: true });
const stop = () => {
  try {
    process.kill(-server.pid);
  } catch {
    // already gone
  }
};
const problems = [];
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {
      if (i > 100) throw new Error(`vite preview did not answer on ${base} (was the app built?)`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: HEADLESS_ARGS });
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request to another origin: ${url}`);
  });
  const shot = async (name) => {
    await page.waitForTimeout(1000);
    const path = join(values.out, `${width}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`${name}: ${height} px tall, ${path}`);
  };
  const go = async (hash) => {
    await page.goto(base + hash);
    await page.waitForLoadState('networkidle');
  };

  await page.goto(base);
  await page.getByLabel('Add photos').waitFor({ state: 'attached' });
  const started = Date.now();
  await page.getByLabel('Add photos').setInputFiles(ids.map((id) => ({ name: `${id}.jpg`, mimeType: 'image/jpeg', buffer: readFileSync(join(values.data, 'photos', `${id}.jpg`)) })));
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Collection"] li').length === n, ids.length, { timeout: 300_000 });
  await page.waitForFunction(() => document.querySelectorAll('[aria-label="Collection"] [aria-busy="true"]').length === 0, null, { timeout: 900_000 });
  console.log(`${ids.length} photos added and analysed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await shot('collection');
  await page.getByRole('button', { name: 'Calendar' }).click();
  await shot('calendar');
  await page.getByRole('button', { name: 'Grid' }).click();

  if (values.pack) {
    await go('#/packs');
    await page.getByLabel('Choose a pack folder').setInputFiles(values.pack);
    await page.getByRole('status', { name: 'Messages' }).getByText(/Added the pack/).waitFor({ timeout: 120_000 });
    await go('');
  }

  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  const items = page.getByRole('list', { name: 'Detected items' });
  await items.waitFor();
  const look = page.url();
  await shot('look');
  const asked = Date.now();
  await page.getByRole('button', { name: 'Similar looks' }).click();
  await page.getByRole('list', { name: 'Similar looks' }).getByRole('listitem').first().waitFor();
  console.log(`similar looks shown ${Date.now() - asked} ms after the click`);
  await shot('similar-looks');
  await page.goto(look);
  const askedItems = Date.now();
  await items.getByRole('button', { name: /Similar items/ }).first().click();
  await page.getByRole('heading', { name: /Similar items to this/ }).waitFor();
  await page.getByText(/\d+% match/).first().waitFor();
  console.log(`similar items shown ${Date.now() - askedItems} ms after the click`);
  await shot('similar-items');
  if (values.pack) {
    await page.goto(look);
    await items.getByRole('button', { name: /^Shop the look/ }).first().click();
    await items.getByRole('list', { name: 'Related products' }).first().waitFor();
    await shot('shop-the-look');
  }
  await page.goto(look);
  await items.getByRole('button', { name: /Complete the look/ }).first().click();
  await page.getByRole('heading', { name: 'Complete the look' }).waitFor();
  await page.waitForTimeout(2000);
  await shot('complete-the-look');

  await go('#/wardrobe');
  await page.getByRole('button', { name: 'Group garments' }).click();
  await page.getByRole('status', { name: 'Messages' }).getByText(/Grouped|already in a piece/).waitFor();
  await shot('wardrobe');
  await go('#/dress-me');
  await page.waitForTimeout(2000);
  await shot('dress-me');
  for (const view of ['feed', 'packs', 'settings']) {
    await go(`#/${view}`);
    await shot(view);
  }
  await browser.close();
} finally {
  stop();
}
console.log(problems.length ? problems.join('\n') : 'no page errors, no console errors, no request to another origin');
process.exit(problems.length ? 1 : 0);
