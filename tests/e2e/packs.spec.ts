/**
 * Catalog packs end to end: a pack built by the CLI from photos generated here, added from files and by
 * URL (served by this test on another localhost port, with CORS), Shop the look in the Photo view, updates,
 * the network ledger, removal, and every kind of broken pack refused with a clear message and nothing
 * changed; lookbooks; and what a model update means for packs (a catalog of another model marked and left
 * out, a look not yet re-embedded named instead of exported). Needs no data set (except the real-photo test).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { dequantise, makeManifest, splitEmbeddings } from '../../common/pack-format';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { HAS_CCP, NO_CCP_REASON, ccpPhotoPaths } from './support/data';
import { hasExif, makeFigureJpeg, makeJpeg, withExif, type Rgb } from './support/images';
import { withDb } from './support/idb';
import { unzipSync } from 'fflate';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** A garment-shaped product photo on white: a shirt, trousers or shoes in one colour. */
function productJpeg(kind: 'top' | 'bottom' | 'shoes', colour: Rgb): Buffer {
  return makeJpeg(200, 240, (x, y) => {
    const cx = 100;
    const inside =
      kind === 'top' ? y > 30 && y < 210 && Math.abs(x - cx) < (y < 90 ? 85 : 55)
      : kind === 'bottom' ? y > 20 && y < 230 && Math.abs(x - cx) < 50 && Math.abs(x - cx) > (y > 80 ? 6 : 0)
      : y > 120 && y < 190 && x > 30 && x < 170;
    return inside ? colour : [250, 250, 250];
  });
}

type PackFiles = Map<string, Buffer>;
let work: string;
let pack: PackFiles;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  work = mkdtempSync(join(tmpdir(), 'mirror-e2e-packs-'));
  mkdirSync(join(work, 'photos'));
  writeFileSync(join(work, 'photos/red-tee.jpg'), productJpeg('top', [200, 40, 40]));
  writeFileSync(join(work, 'photos/navy-trousers.jpg'), productJpeg('bottom', [30, 40, 120]));
  writeFileSync(join(work, 'photos/black-shoes.jpg'), productJpeg('shoes', [20, 20, 20]));
  writeFileSync(join(work, 'products.csv'), [
    'id,title,brand,price,currency,url,category,type,image',
    'tee-1,"Red tee, organic",Acme & Co,19.99,EUR,https://shop.example/tee-1,top,T-Shirt,red-tee.jpg',
    'trousers-1,Navy trousers,Acme & Co,49,EUR,https://shop.example/trousers-1,bottom,Pants,navy-trousers.jpg',
    'shoes-1,Black shoes,,,,,shoes,Shoes,black-shoes.jpg',
  ].join('\n'));
  await run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'cli/main.ts'), 'build-pack',
    '--images', join(work, 'photos'), '--products', join(work, 'products.csv'), '--out', join(work, 'pack'),
    '--id', 'acme-spring', '--title', 'Acme spring', '--publisher', 'Acme'], { cwd: root });
  pack = readPack(join(work, 'pack'));
});

test.afterAll(() => rmSync(work, { recursive: true, force: true }));

function readPack(dir: string): PackFiles {
  const files: PackFiles = new Map();
  for (const name of readdirSync(dir)) if (name !== 'images') files.set(name, readFileSync(join(dir, name)));
  for (const name of readdirSync(join(dir, 'images'))) files.set(`images/${name}`, readFileSync(join(dir, 'images', name)));
  return files;
}

const manifestOf = (files: PackFiles) => JSON.parse(files.get('pack.json')!.toString('utf8'));

/** The same pack with one file replaced and the manifest re-signed (so only the content is wrong). */
async function resigned(change: (files: PackFiles) => void, manifestPatch: (m: Record<string, any>) => void = () => undefined): Promise<PackFiles> {
  const files = new Map(pack);
  change(files);
  const old = manifestOf(files);
  const rest = new Map([...files].filter(([p]) => p !== 'pack.json').map(([p, b]) => [p, new Uint8Array(b)]));
  const m: Record<string, any> = await makeManifest(old, old.embeddings, rest);
  manifestPatch(m);
  files.set('pack.json', Buffer.from(JSON.stringify(m)));
  return files;
}

/** The files as a person picks them with "Choose pack files" (names only, no folders). */
const asPicked = (files: PackFiles) =>
  [...files].map(([path, buffer]) => ({ name: path.split('/').pop()!, mimeType: path.endsWith('.jpg') ? 'image/jpeg' : 'application/octet-stream', buffer }));

async function addFromFiles(page: Page, files: PackFiles): Promise<void> {
  await page.getByLabel('Choose pack files').setInputFiles(asPicked(files));
}

/** A link of the main navigation. */
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

const installed = (page: Page) => page.getByRole('list', { name: 'Installed packs' }).getByRole('listitem');

/** Serves a pack folder's files on another localhost port with CORS, as a static host would. */
async function servePack(files: () => PackFiles): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/spring\//, '');
    const body = files().get(path);
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Adds one garment to the only look, with product `index`'s vector from the pack, straight into IndexedDB. */
async function seedGarment(page: Page, index: number, category: string, histogram?: number[]): Promise<void> {
  const m = manifestOf(pack);
  const { scales, vectors } = splitEmbeddings(new Uint8Array(pack.get('embeddings.bin')!), m.embeddings.count, m.embeddings.dim);
  const vector = Array.from(dequantise(scales, vectors, m.embeddings.dim, index));
  await withDb(
    page,
    async ({ db, result, all, committed }, { vector, category, histogram }) => {
      const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
      const [look] = await all<{ id: string; modelVersion: string }>('looks', tx);
      // Whatever the rules found on the drawn figure goes: the look holds exactly the seeded garment.
      tx.objectStore('garments').clear();
      const oldKeys = await result(tx.objectStore('vectors').index('byKind').getAllKeys('garment'));
      for (const key of oldKeys) tx.objectStore('vectors').delete(key);
      const id = 'seeded-garment';
      tx.objectStore('garments').put({ id, lookId: look.id, category, box: [70, 70, 100, 110], score: 0.9, colours: [], ...(histogram ? { histogram } : {}) });
      tx.objectStore('vectors').put({ id: `garment:${id}`, kind: 'garment', lookId: look.id, vector: Float32Array.from(vector), modelVersion: look.modelVersion });
      await committed(tx);
    },
    { vector, category, histogram },
  );
}

test('a CLI-built pack added from files: Shop the look shows related products, also offline', async ({ page, context }) => {
  await openApp(page);
  await nav(page, 'Packs').click();
  await expect(page.getByRole('heading', { name: 'Packs', level: 1 })).toBeVisible();
  await addFromFiles(page, pack);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Acme spring" (3 products).');
  await expect(installed(page)).toHaveCount(1);
  await expect(installed(page).first()).toContainText('Acme spring');
  await expect(installed(page).first()).toContainText('3 products');

  await nav(page, 'Collection').click();
  await page.getByLabel('Add photos').setInputFiles([{ name: 'outfit.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(240, 360) }]);
  await waitForAnalysis(page, 1);
  // What the garment rules find on a drawn figure varies, so the test gives the analysed look exactly one
  // garment, whose item vector is the red tee's own vector from the pack.
  await seedGarment(page, 0, 'top');
  await page.reload();
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items.first()).toBeVisible();

  await items.first().getByRole('button', { name: /Shop the look/ }).click();
  const products = items.first().getByRole('list', { name: 'Related products' }).getByRole('listitem');
  await expect(products).toHaveCount(3);
  // Same category first, then by similarity: the tee (its own vector, 100%) leads.
  await expect(products.first()).toContainText('Red tee, organic');
  await expect(products.first()).toContainText('100% match');
  // Each product links out safely; the pack's text is text.
  const tee = page.getByRole('link', { name: 'Red tee, organic' }).first();
  await expect(tee).toHaveAttribute('href', 'https://shop.example/tee-1');
  await expect(tee).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(tee).toHaveAttribute('target', '_blank');
  await expect(items.first()).toContainText('Acme & Co');
  await expect(products.first().getByRole('img')).toBeVisible();
  await page.screenshot({ path: 'test-results/packs-shop-the-look.png', fullPage: true });

  // Stored in IndexedDB: it works offline after a reload (once the service worker controls the page).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('list', { name: 'Detected items' }).getByRole('listitem').first().getByRole('button', { name: /Shop the look/ }).click();
  await expect(page.getByRole('list', { name: 'Related products' }).first().getByRole('listitem')).toHaveCount(3);
  await context.setOffline(false);
});

test('a pack added by URL is updated by a newer version, logged in Settings, and removed', async ({ page, typedOrigins }) => {
  let served = pack;
  const { server, origin } = await servePack(() => served);
  typedOrigins.add(origin);
  try {
    await openApp(page, '/#/packs');
    await page.getByLabel('Pack address').fill(`${origin}/spring/`);
    await page.getByRole('button', { name: 'Add pack' }).click();
    await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Acme spring" (3 products).');
    await expect(installed(page).first()).toContainText(`From ${origin}/spring/pack.json`);

    // The same version again is refused and changes nothing; a newer one replaces it.
    await page.getByRole('button', { name: 'Check for update' }).click();
    await expect(page.getByRole('status', { name: 'Messages' })).toContainText('"Acme spring" is up to date (version 1).');
    served = await resigned(() => undefined, (m) => (m.version = 2));
    await page.getByRole('button', { name: 'Check for update' }).click();
    await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Updated the pack "Acme spring" from version 1 to 2.');
    await expect(installed(page).first()).toContainText('version 2');

    // Settings lists every request to another origin, with its bytes.
    await nav(page, 'Settings').click();
    const ledger = page.getByRole('table', { name: 'Requests to other sites' });
    await expect(ledger.getByRole('row').filter({ hasText: `${origin}/spring/pack.json` })).toHaveCount(3);
    await expect(ledger.getByRole('row').filter({ hasText: `${origin}/spring/products.json` }).first()).toContainText('HTTP 200');
    await expect(ledger.getByRole('row').filter({ hasText: `${origin}/spring/embeddings.bin` }).first()).toContainText(/\d+ (B|KB)/);
    await page.screenshot({ path: 'test-results/packs-network-ledger.png', fullPage: true });

    await nav(page, 'Packs').click();
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Yes, remove Acme spring' }).click();
    await expect(page.getByText('No packs yet.')).toBeVisible();
  } finally {
    server.close();
  }
});

test('broken packs are refused with a clear message, and nothing changes', async ({ page }) => {
  await openApp(page, '/#/packs');
  // The good pack, from its folder (the folder picker).
  await page.getByLabel('Choose a pack folder').setInputFiles(join(work, 'pack'));
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Acme spring" (3 products).');
  await expect(installed(page)).toHaveCount(1);

  const tee = (m: PackFiles) => JSON.parse(m.get('products.json')!.toString('utf8'));
  const cases: [string, () => Promise<PackFiles>, string][] = [
    ['bad JSON', async () => new Map(pack).set('pack.json', Buffer.from('{"format": "mirror-pack",')), 'pack.json: is not valid JSON'],
    ['wrong hash', async () => {
      const files = new Map(pack);
      files.set('products.json', Buffer.from(files.get('products.json')!.toString('utf8').replace('Navy trousers', 'Navy trouserz')));
      return files;
    }, 'products.json: does not match its SHA-256 in pack.json'],
    ['oversize', async () => {
      const files = new Map(pack);
      const m = manifestOf(files);
      m.files['images/tee-1.jpg'].bytes = 50 * 1024 * 1024;
      return files.set('pack.json', Buffer.from(JSON.stringify(m)));
    }, 'files["images/tee-1.jpg"].bytes must be between 0 and 2097152'],
    ['missing file', async () => {
      const files = new Map(pack);
      files.delete('embeddings.bin');
      return files;
    }, 'embeddings.bin: is missing (listed in pack.json)'],
    ['script in a title', async () => resigned((files) => {
      const p = tee(files);
      p.products[0].title = '<img src=x onerror=alert(1)>';
      files.set('products.json', Buffer.from(JSON.stringify(p)));
    }), 'products.json: products[0].title contains markup'],
    ['javascript: link', async () => resigned((files) => {
      const p = tee(files);
      p.products[1].url = 'javascript:alert(1)';
      files.set('products.json', Buffer.from(JSON.stringify(p)));
    }), 'products[1].url must be an http(s) URL'],
    ['wrong dimension', async () => resigned((files) => {
      files.set('embeddings.bin', Buffer.alloc(3 * 4 + 3 * 8));
    }, (m) => (m.embeddings.dim = 8)), "pack.json: embeddings.dim is 8; Mirror's vectors have 128 dimensions"],
  ];
  const problems = page.getByRole('alert', { name: 'Problems' });
  for (const [what, make, message] of cases) {
    await test.step(what, async () => {
      // A newer version number (pack.json is not hashed), so that only the damage can be the reason for a refusal.
      const files = await make();
      if (what !== 'bad JSON') {
        const m = manifestOf(files);
        m.version = 2;
        files.set('pack.json', Buffer.from(JSON.stringify(m)));
      }
      await addFromFiles(page, files);
      await expect(problems, what).toContainText(message);
      await expect(problems).toContainText('Nothing was changed.');
      await expect(installed(page)).toHaveCount(1);
      await expect(installed(page).first()).toContainText('version 1');
      await expect(installed(page).first()).toContainText('3 products');
    });
  }
  await page.screenshot({ path: 'test-results/packs-refused.png', fullPage: true });

  // A URL that is not http(s) is refused before any request is made.
  await page.getByLabel('Pack address').fill('ftp://example.com/pack.json');
  await page.getByRole('button', { name: 'Add pack' }).click();
  await expect(problems).toContainText('must be an http(s) URL');
  await expect(installed(page)).toHaveCount(1);
});

test('real photo: Shop the look on a detected garment', async ({ page }) => {
  test.skip(!HAS_CCP, NO_CCP_REASON);
  await openApp(page, '/#/packs');
  await addFromFiles(page, pack);
  await expect(installed(page)).toHaveCount(1);
  await nav(page, 'Collection').click();
  const [path] = ccpPhotoPaths(1, 'val');
  await page.getByLabel('Add photos').setInputFiles([{ name: 'real.jpg', mimeType: 'image/jpeg', buffer: readFileSync(path) }]);
  await waitForAnalysis(page, 1);
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items.first()).toBeVisible();
  // Every detected garment gets its related products (the pack has three; all are listed, category first).
  const buttons = page.getByRole('button', { name: /^Shop the look: item/ });
  const count = await buttons.count();
  for (let i = 0; i < count; i++) await buttons.nth(i).click();
  const regions = page.getByRole('region', { name: /^Related products for item/ });
  await expect(regions).toHaveCount(count);
  for (let i = 0; i < count; i++) await expect(regions.nth(i).getByRole('listitem')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/packs-real-photo.png', fullPage: true });

  // A lookbook of it with faces blurred: the pose model finds the face, the shared photo has it blurred.
  await nav(page, 'Packs').click();
  await page.getByLabel('Lookbook title').fill('Blurred');
  await page.getByLabel('Your name').fill('Me');
  await page.getByLabel('Blur faces').check();
  await page.getByRole('list', { name: 'Looks to share' }).getByRole('checkbox').first().check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download lookbook (1)' }).click()]);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Faces blurred in all 1 photos.');
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(hasExif(entries['photos/1.jpg'])).toBe(false);
  writeFileSync('test-results/packs-blurred-photo.jpg', entries['photos/1.jpg']);
});

test('a lookbook exported as a .zip (no EXIF) is followed from the file and by URL: Feed, likes, similar looks', async ({ page, typedOrigins }) => {
  await openApp(page);
  const photo = withExif(makeFigureJpeg(240, 360), { orientation: 1, dateTimeOriginal: '2026:05:01 10:00:00', latitude: 48.85, longitude: 2.35 });
  await page.getByLabel('Add photos').setInputFiles([
    { name: 'sunday.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'monday.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(220, 330, [40, 160, 60]) },
  ]);
  await waitForAnalysis(page, 2);
  // The drawn figures show the detector no garment: one look gets a red top with its colour histogram.
  const red = Array.from({ length: 64 }, (_, i) => (i === 48 ? 0.9 : i === 63 ? 0.1 : 0));
  await seedGarment(page, 0, 'top', red);

  await nav(page, 'Packs').click();
  // The disabled download says what it waits for.
  const missing = page.getByTestId('lookbook-missing');
  await expect(missing).toHaveText('Needs at least one look, a title, your name.');
  await page.getByLabel('Lookbook title').fill('Sam spring');
  await page.getByLabel('Your name').fill('Sam');
  await expect(missing).toHaveText('Needs at least one look.');
  const choices = page.getByRole('list', { name: 'Looks to share' }).getByRole('checkbox');
  await expect(choices).toHaveCount(2);
  await page.getByRole('button', { name: 'Choose all 2' }).click();
  await expect(choices.nth(0)).toBeChecked();
  await expect(choices.nth(1)).toBeChecked();
  await expect(missing).toHaveCount(0);
  await page.getByRole('button', { name: 'Choose none' }).click();
  await expect(choices.nth(0)).not.toBeChecked();
  await expect(missing).toHaveText('Needs at least one look.');
  await choices.nth(0).check();
  await choices.nth(1).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download lookbook (2)' }).click()]);
  expect(download.suggestedFilename()).toBe('sam.sam-spring.zip');
  const zipBytes = readFileSync(await download.path());
  const entries = unzipSync(new Uint8Array(zipBytes));
  expect(Object.keys(entries).sort()).toEqual(['embeddings.bin', 'looks.json', 'pack.json', 'photos/1.jpg', 'photos/2.jpg']);
  for (const p of ['photos/1.jpg', 'photos/2.jpg']) expect(hasExif(entries[p])).toBe(false);
  const manifest = JSON.parse(Buffer.from(entries['pack.json']).toString('utf8'));
  expect(manifest).toMatchObject({ kind: 'lookbook', id: 'sam.sam-spring', title: 'Sam spring', publisher: 'Sam', embeddings: { dim: 128 } });
  // The garment carries its colour histogram, for the followers' Similar items.
  const shared = JSON.parse(Buffer.from(entries['looks.json']).toString('utf8')) as { looks: { garments: { category: string; histogram?: number[] }[] }[] };
  expect(shared.looks.flatMap((l) => l.garments)).toEqual([{ category: 'top', box: [70, 70, 100, 110], colours: [], histogram: red }]);

  // Follow it from the .zip: its looks are in the Feed, newest first, and can be liked.
  await page.getByLabel('Choose pack files').setInputFiles([{ name: 'sam.sam-spring.zip', mimeType: 'application/zip', buffer: zipBytes }]);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Sam spring" (2 looks).');
  await nav(page, 'Feed').click();
  const feed = page.getByRole('list', { name: 'Followed looks' }).getByRole('listitem');
  await expect(feed).toHaveCount(2);
  await expect(feed.first()).toContainText('From Sam spring by Sam');
  await feed.first().getByRole('button', { name: /Like/ }).click();
  await expect(feed.first().getByRole('button', { name: /Liked/ })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Liked only').check();
  await expect(feed).toHaveCount(1);
  await page.screenshot({ path: 'test-results/packs-feed.png', fullPage: true });

  // Similar looks search the followed lookbook too, marked by source.
  await nav(page, 'Collection').click();
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  await page.getByRole('button', { name: 'Similar looks' }).click();
  const followed = page.getByRole('list', { name: 'Similar from followed lookbooks' }).getByRole('listitem');
  await expect(followed).toHaveCount(2);
  await expect(followed.first()).toContainText('from Sam spring by Sam');
  await expect(followed.first()).toContainText('100% match');

  // Following by address: the unzipped folder on a static host; the same version is already there.
  const files: PackFiles = new Map(Object.entries(entries).map(([p, b]) => [p, Buffer.from(b)]));
  const { server, origin } = await servePack(() => files);
  typedOrigins.add(origin);
  try {
    await page.goto('/#/packs');
    await page.getByLabel('Pack address').fill(`${origin}/spring/pack.json`);
    await page.getByRole('button', { name: 'Add pack' }).click();
    await expect(page.getByRole('alert', { name: 'Problems' })).toContainText('is already installed');

    // Removed, then followed by address: the Feed has its looks again, and Refresh asks the host.
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Yes, remove Sam spring' }).click();
    await expect(page.getByText('No packs yet.')).toBeVisible();
    await page.getByLabel('Pack address').fill(`${origin}/spring/`);
    await page.getByRole('button', { name: 'Add pack' }).click();
    await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Sam spring" (2 looks).');
    await nav(page, 'Feed').click();
    await expect(page.getByRole('list', { name: 'Followed looks' }).getByRole('listitem')).toHaveCount(2);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('status', { name: 'Messages' })).toContainText('"Sam spring" is up to date');
  } finally {
    server.close();
  }
});

const OLD_VERSION = 'mirror-vision-1:centernet,mobilenet-v2-1280';

/** Puts the only look back on an older model, as if Mirror had just been updated: its version and 1280-d vectors. */
async function toOldModel(page: Page): Promise<void> {
  await withDb(page, async ({ db, all, committed }, old) => {
    const tx = db.transaction(['looks', 'vectors'], 'readwrite');
    const [look] = await all<{ modelVersion: string }>('looks', tx);
    tx.objectStore('looks').put({ ...look, modelVersion: old });
    for (const v of await all<{ vector: Float32Array }>('vectors', tx)) {
      tx.objectStore('vectors').put({ ...v, vector: Float32Array.from({ length: 1280 }, (_, i) => (i % 7) / 7), modelVersion: old });
    }
    await committed(tx);
  }, OLD_VERSION);
}

test('after a model update: packs of another model are marked and left out, looks not yet updated are named, not exported', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([{ name: 'outfit.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(240, 360) }]);
  await waitForAnalysis(page, 1);
  await seedGarment(page, 0, 'top');

  // The CLI-built pack, and the same catalog as its publisher made it for an older model.
  await nav(page, 'Packs').click();
  await addFromFiles(page, pack);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Acme spring" (3 products).');
  const stale = await resigned(() => undefined, (m) => {
    m.id = 'acme-old';
    m.title = 'Acme old';
    m.embeddings.modelVersion = OLD_VERSION;
  });
  await addFromFiles(page, stale);
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Added the pack "Acme old" (3 products).');
  const staleNote = 'This catalog was made for another model version, so Shop the look leaves it out: ask its publisher for an update.';
  await expect(installed(page).filter({ hasText: 'Acme old' })).toContainText(staleNote);
  await expect(installed(page).filter({ hasText: 'Acme spring' })).not.toContainText(staleNote);

  // Shop the look: the current catalog's products, and the stale one named rather than silently missing.
  await nav(page, 'Collection').click();
  await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
  const item = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem').first();
  await item.getByRole('button', { name: /Shop the look/ }).click();
  await expect(item.getByRole('list', { name: 'Related products' }).getByRole('listitem')).toHaveCount(3);
  await expect(item).toContainText('"Acme old" was made for another model version, so it is left out: ask its publisher for an update.');
  await page.screenshot({ path: 'test-results/packs-other-model.png', fullPage: true });

  // The look goes back to the old model (1280-d vectors): Shop the look waits for its update, in words.
  await toOldModel(page);
  await page.getByRole('button', { name: 'Shop the look: item 1', exact: false }).click();
  await page.getByRole('button', { name: 'Shop the look: item 1', exact: false }).click();
  await expect(item).toContainText('This garment is still being updated for the new model; try again in a moment.');

  // A lookbook of it is not made from old vectors (nor fails with a RangeError): the look is named.
  await nav(page, 'Packs').click();
  await page.getByLabel('Lookbook title').fill('Old');
  await page.getByLabel('Your name').fill('Me');
  const choice = page.getByRole('list', { name: 'Looks to share' }).getByRole('listitem').first();
  await expect(choice).toContainText('Not yet updated for the new model');
  await choice.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Download lookbook (1)' }).click();
  const problems = page.getByRole('alert', { name: 'Problems' });
  await expect(problems).toContainText('The lookbook was not made: outfit.jpg could not be updated for the new model yet');
  await expect(problems).not.toContainText('RangeError');

  // On the next start the look is re-embedded, and the lookbook carries the current model's 128-d vectors.
  await page.reload();
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Updated 1 look for the new model.', { timeout: 120_000 });
  await page.getByLabel('Lookbook title').fill('New');
  await page.getByLabel('Your name').fill('Me');
  await expect(choice).not.toContainText('updated for the new model');
  await choice.getByRole('checkbox').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download lookbook (1)' }).click()]);
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const manifest = JSON.parse(Buffer.from(entries['pack.json']).toString('utf8'));
  expect(manifest.embeddings.dim).toBe(128);
  expect(manifest.embeddings.modelVersion).not.toBe(OLD_VERSION);
  expect(manifest.embeddings.modelVersion).toBe(manifestOf(pack).embeddings.modelVersion);
});
