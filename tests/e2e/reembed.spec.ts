/**
 * Garment types and the re-embedding migration on the built app. Two looks are added and analysed for real,
 * then their records in IndexedDB are made to look as an older Mirror left them: vectors of another model
 * version and length (1280, the first version's backbone features), known garments (a top whose type the
 * person chose, a bottom whose type the model gave). On the next start Mirror re-embeds both in the
 * background, with progress, keeping the garments and the person's choice; then Similar items works.
 */
import type { Page } from '@playwright/test';
import { EMBEDDING_DIM } from '../../common/constants';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';
import { withDb } from './support/idb';

const OLD_VERSION = 'mirror-vision-1:an-older-model';
const OLD_DIM = 1280;

interface StoredState {
  looks: { id: string; name: string; modelVersion: string }[];
  garments: { id: string; lookId: string; category: string; box: number[]; type?: { label: string; score: number }; typeCorrected?: boolean; corrected?: boolean; histogram?: number[] }[];
  vectors: { id: string; lookId: string; modelVersion: string; dim: number }[];
}

/** Everything the migration touches, read straight from IndexedDB. */
async function stored(page: Page): Promise<StoredState> {
  return withDb(page, async ({ all }) => {
    const looks = (await all<{ id: string; name: string; modelVersion: string }>('looks')).map(({ id, name, modelVersion }) => ({ id, name, modelVersion }));
    const garments = await all<StoredState['garments'][number]>('garments');
    const vectors = (await all<{ id: string; lookId: string; modelVersion: string; vector: Float32Array }>('vectors')).map((v) => ({
      id: v.id, lookId: v.lookId, modelVersion: v.modelVersion, dim: v.vector.length,
    }));
    looks.sort((a, b) => a.name.localeCompare(b.name));
    return { looks, garments, vectors };
  });
}

/**
 * Turns every analysed look into one an older model made: garments replaced by a top (type chosen by the
 * person: Shirt) and a bottom (model's type: Pants), every vector OLD_DIM long and of OLD_VERSION, and the
 * remembered model version forgotten (so the app asks the worker for it).
 */
async function makeOld(page: Page): Promise<void> {
  await withDb(
    page,
    async ({ db, all, committed }, { version, dim }) => {
      const tx = db.transaction(['looks', 'garments', 'vectors', 'settings'], 'readwrite');
      const looks = await all<{ id: string; name: string }>('looks', tx);
      tx.objectStore('garments').clear();
      tx.objectStore('vectors').clear();
      tx.objectStore('settings').delete('model-version');
      const vector = (axis: number) => {
        const v = new Float32Array(dim);
        v[axis] = 1;
        return v;
      };
      looks.forEach((look, i) => {
        // Boxes of the drawn figure (240 x 360 and up): shirt and trousers.
        const top = { id: `top-${i}`, lookId: look.id, category: 'top', box: [80, 62, 80, 115], score: 0.9, colours: [{ name: 'red', rgb: [200, 40, 40], fraction: 1 }], type: { label: 'Shirt', score: 1 }, typeCorrected: true };
        const bottom = { id: `bottom-${i}`, lookId: look.id, category: 'bottom', box: [88, 182, 64, 130], score: 0.8, colours: [{ name: 'navy', rgb: [30, 40, 120], fraction: 1 }], type: { label: 'Pants', score: 0.5 } };
        tx.objectStore('looks').put({ ...look, status: 'analysed', modelVersion: version, categories: ['top', 'bottom'], colourNames: ['navy', 'red'] });
        tx.objectStore('garments').put(top);
        tx.objectStore('garments').put(bottom);
        tx.objectStore('vectors').put({ id: `look:${look.id}`, kind: 'look', lookId: look.id, vector: vector(0), modelVersion: version });
        tx.objectStore('vectors').put({ id: `garment:${top.id}`, kind: 'garment', lookId: look.id, vector: vector(1), modelVersion: version });
        tx.objectStore('vectors').put({ id: `garment:${bottom.id}`, kind: 'garment', lookId: look.id, vector: vector(2), modelVersion: version });
      });
      await committed(tx);
    },
    { version: OLD_VERSION, dim: OLD_DIM },
  );
}

async function addLooks(page: Page, count = 2): Promise<void> {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles(
    Array.from({ length: count }, (_, i) => ({ name: `${'abcdef'[i]}.jpg`, mimeType: 'image/jpeg', buffer: makeFigureJpeg(240 + i * 20, 360 + i * 30) })),
  );
  await waitForAnalysis(page, count);
}

test('looks of an older model are re-embedded in the background, keeping garments and the person’s types', async ({ page }) => {
  await addLooks(page);
  await makeOld(page);

  // Two looks take well under a second to update: the progress is recorded as it changes (an observer installed
  // before the app starts), not polled, so that a fast machine cannot finish between two looks at the page.
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { modelUpdateSeen: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[aria-label="Model update"]')?.textContent?.replace(/\s+/g, ' ').trim();
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.reload();
  const progress = page.getByRole('region', { name: 'Model update' });

  // Done: the progress went, and every look and vector is on one new version of EMBEDDING_DIM.
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Updated 2 looks for the new model.', { timeout: 120_000 });
  await expect(progress).toHaveCount(0);
  const seen = await page.evaluate(() => (window as unknown as { modelUpdateSeen: string[] }).modelUpdateSeen);
  expect(seen.some((t) => /Updating your looks for the new model: [01] \/ 2/.test(t))).toBe(true);
  await expect.poll(async () => (await stored(page)).looks.map((l) => l.modelVersion !== OLD_VERSION), { timeout: 60_000 }).toEqual([true, true]);
  const after = await stored(page);
  const version = after.looks[0].modelVersion;
  expect(after.looks.every((l) => l.modelVersion === version)).toBe(true);
  expect(after.vectors).toHaveLength(6);
  for (const v of after.vectors) expect([v.id, v.modelVersion, v.dim]).toEqual([v.id, version, EMBEDDING_DIM]);

  // The same garments (ids, boxes); the person's type kept; the model's type for the bottom is a bottom's;
  // every garment now has the colour histogram the older model did not make (the outfit scorer reads it).
  expect(after.garments.map((g) => g.id).sort()).toEqual(['bottom-0', 'bottom-1', 'top-0', 'top-1']);
  for (const g of after.garments) {
    expect(g.histogram, g.id).toHaveLength(64);
    expect(g.histogram!.reduce((s, v) => s + v, 0), g.id).toBeCloseTo(1, 4);
  }
  for (const g of after.garments.filter((g) => g.category === 'top')) {
    expect(g).toMatchObject({ box: [80, 62, 80, 115], type: { label: 'Shirt', score: 1 }, typeCorrected: true });
  }
  for (const g of after.garments.filter((g) => g.category === 'bottom')) {
    expect(['Pants', 'Shorts', 'Skirt']).toContain(g.type?.label);
    expect(g.typeCorrected).toBeUndefined();
  }

  // Similar items works on the new vectors: the other look's top is found.
  const lookA = after.looks[0];
  await page.goto(`/#/look/${encodeURIComponent(lookA.id)}`);
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items.first()).toContainText('top · shirt');
  await items.first().getByRole('button', { name: 'Similar items' }).click();
  await expect(page.getByRole('heading', { name: 'Similar items to this top · shirt' })).toBeVisible();
  const results = page.getByRole('list', { name: 'Similar items' }).getByRole('listitem');
  await expect(results.first()).toBeVisible();
  await expect(page.getByRole('list', { name: 'Similar items' })).toContainText('top · shirt');
  // Starting again finds nothing left to do.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Similar items to this top · shirt' })).toBeVisible();
  await expect(progress).toHaveCount(0);
});

test('the photo view shows each garment’s type and lets the person correct it', async ({ page }) => {
  await addLooks(page);
  await makeOld(page);
  await page.reload();
  await expect.poll(async () => (await stored(page)).looks.every((l) => l.modelVersion !== OLD_VERSION), { timeout: 120_000 }).toBe(true);
  const lookB = (await stored(page)).looks[1];

  await page.goto(`/#/look/${encodeURIComponent(lookB.id)}`);
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('top · shirt');
  await expect(items.nth(0)).toContainText('corrected');
  await expect(items.nth(1)).toContainText(/bottom · (trousers|shorts|skirt)/);

  // The type select offers the bottom's types only; choosing one is saved, marked and kept after a reload.
  const type = page.getByLabel('Type of item 2');
  expect(await type.locator('option:not([disabled])').allInnerTexts()).toEqual(['trousers', 'shorts', 'skirt']);
  // Another type than the model's.
  const [choice, words] = (await type.inputValue()) === 'Shorts' ? ['Skirt', 'skirt'] : ['Shorts', 'shorts'];
  await type.selectOption(choice);
  await expect(items.nth(1)).toContainText(`bottom · ${words}`);
  await expect(items.nth(1)).toContainText('corrected');
  await page.screenshot({ path: 'test-results/photo-types.png', fullPage: true });
  await page.reload();
  await expect(page.getByRole('list', { name: 'Detected items' }).getByRole('listitem').nth(1)).toContainText(`bottom · ${words}`);
  const bottom = (await stored(page)).garments.find((g) => g.lookId === lookB.id && g.category === 'bottom');
  expect(bottom).toMatchObject({ type: { label: choice, score: 1 }, typeCorrected: true });

  // Correcting the category to one with a single type gives that type; the type select goes.
  await page.getByLabel('Category of item 2').selectOption('dress');
  await expect(page.getByLabel('Category of item 2')).toHaveValue('dress');
  await expect(page.getByLabel('Type of item 2')).toHaveCount(0);
  await expect.poll(async () => (await stored(page)).garments.find((g) => g.id === bottom!.id)).toMatchObject({ category: 'dress', corrected: true, type: { label: 'Dress' } });
});

test('a reload during the update resumes with the looks left, and no look is half written', async ({ page }) => {
  await addLooks(page, 4);
  await makeOld(page);
  await page.reload();
  // Reload as soon as the first look is rewritten.
  await expect.poll(async () => (await stored(page)).looks.filter((l) => l.modelVersion !== OLD_VERSION).length, { timeout: 120_000, intervals: [50] }).toBeGreaterThan(0);
  await page.reload();
  await expect.poll(async () => (await stored(page)).looks.every((l) => l.modelVersion !== OLD_VERSION), { timeout: 120_000 }).toBe(true);
  // The second session did only what was left.
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText(/Updated [123] looks? for the new model\./);
  const after = await stored(page);
  for (const look of after.looks) {
    const vectors = after.vectors.filter((v) => v.lookId === look.id);
    expect(vectors.map((v) => [v.modelVersion, v.dim]), look.name).toEqual(vectors.map(() => [look.modelVersion, EMBEDDING_DIM]));
    expect(vectors, look.name).toHaveLength(3);
  }
  expect(after.garments.filter((g) => g.typeCorrected)).toHaveLength(4);
});
