/**
 * Outfit suggestions through the real scorer worker: Complete the look from a garment of the photo view,
 * Dress me, a like stored and fed to the taste, and the reset in Settings.
 *
 * The first test uses drawn figures whose garments are then replaced with known ones (category, colour,
 * date, item vector of the app's current size) straight in IndexedDB, as wardrobe.spec.ts does: what the
 * garment rules find on drawn figures varies, and the test needs tops, bottoms, shoes, a dress and a bag.
 * The second uses real photos from ../shared/data/ccp and is skipped, with the reason, when they are absent.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { makeFigureJpeg } from './support/images';
import { withDb } from './support/idb';
import { HAS_CCP, NO_CCP_REASON, ccpPhotoPaths } from './support/data';

interface Seed {
  look: number;
  category: string;
  colour: string;
  rgb: [number, number, number];
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Replaces every garment with the seeded ones (ids seeded-<i>), each with its colour and colour histogram and an item vector mixed from the
 * vectors the analysis stored (so it has the app's current size and model version), and dates the looks:
 * look i was worn `daysAgo[i]` days ago. Returns the look ids in name order.
 */
async function seedWardrobe(page: Page, seeds: Seed[], daysAgo: number[]): Promise<string[]> {
  return withDb(page, async ({ db, all, committed }, { seeds, daysAgo, day }) => {
    const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
    const looks = await all<{ id: string; name: string; modelVersion: string; width: number; height: number; takenAt?: number }>('looks', tx);
    const vectors = await all<{ id: string; kind: string; vector: Float32Array }>('vectors', tx);
    if (vectors.length === 0) throw new Error('the analysis stored no vectors (did it fail?): nothing to seed garments like');
    const dim = (vectors.find((v) => v.kind === 'garment') ?? vectors[0]).vector.length;
    looks.sort((a, b) => a.name.localeCompare(b.name));
    looks.forEach((l, i) => tx.objectStore('looks').put({ ...l, takenAt: Date.now() - daysAgo[i] * day }));
    tx.objectStore('garments').clear();
    for (const v of vectors) if (v.kind === 'garment') tx.objectStore('vectors').delete(v.id);
    // Item vectors mixed from the ones the analysis stored (real backbone features of the drawn figures):
    // random directions are nothing like garment features, and the outfit model's scores saturate on them.
    const real = vectors.filter((v) => v.vector.length === dim).map((v) => v.vector);
    seeds.forEach((g, i) => {
      const look = looks[g.look];
      const id = `seeded-${i}`;
      const a = real[i % real.length];
      const b = real[(i * 7 + 3) % real.length];
      const c = real[(i * 5 + 1) % real.length];
      const v = a.map((x, k) => x + 0.6 * b[k] * ((i % 3) + 1) / 3 + 0.3 * c[k] * (i % 2));
      const n = Math.hypot(...v);
      // Where makeFigureJpeg draws that part of the figure (fractions of the photo's height).
      const [top, bottom] = ({ top: [0.17, 0.5], outerwear: [0.15, 0.6], bottom: [0.5, 0.88], dress: [0.17, 0.88], shoes: [0.86, 0.96] } as Record<string, number[]>)[g.category] ?? [0.1, 0.95];
      const box = [look.width * 0.28, look.height * top, look.width * 0.44, look.height * (bottom - top)];
      // Its colour histogram (4 x 4 x 4 sRGB cells, red-major): all of it in the cell of its one colour.
      const histogram = new Array(64).fill(0);
      histogram[(Math.floor(g.rgb[0] / 64) * 4 + Math.floor(g.rgb[1] / 64)) * 4 + Math.floor(g.rgb[2] / 64)] = 1;
      tx.objectStore('garments').put({ id, lookId: look.id, category: g.category, box, score: 0.9, colours: [{ name: g.colour, rgb: g.rgb, fraction: 1 }], histogram });
      tx.objectStore('vectors').put({ id: `garment:${id}`, kind: 'garment', lookId: look.id, vector: v.map((x) => x / n), modelVersion: look.modelVersion });
    });
    await committed(tx);
    return looks.map((l) => l.id);
  }, { seeds, daysAgo, day: DAY });
}

const RED: [number, number, number] = [200, 30, 35];
const BLUE: [number, number, number] = [50, 100, 210];
const BLACK: [number, number, number] = [20, 20, 20];
const WHITE: [number, number, number] = [245, 245, 245];
const BEIGE: [number, number, number] = [222, 203, 164];

/** The garment names of each suggested outfit, in rank order. */
async function outfitNames(page: Page): Promise<string[]> {
  const outfits = page.getByRole('list', { name: 'Suggested outfits' }).getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Like outfit/ }) });
  const out: string[] = [];
  for (const o of await outfits.all()) out.push((await o.getByRole('list').first().innerText()).replace(/[+−±]\d+|the one to complete/g, '').replace(/\s+/g, ' ').trim());
  return out;
}

test('Complete the look and Dress me suggest outfits from the garments; a like is kept and learned; Settings resets it', async ({ page }) => {
  await openApp(page);
  // Each figure drawn in its seeded top and bottom colours (look c: a red dress).
  const drawn: [number, number, number][][] = [[RED, BLUE], [WHITE, BLACK], [RED, RED], [BEIGE, WHITE], [BLUE, BEIGE]];
  await page.getByLabel('Add photos').setInputFiles(
    ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg'].map((name, i) => ({ name, mimeType: 'image/jpeg', buffer: makeFigureJpeg(220 + i * 10, 330, drawn[i][0], drawn[i][1]) })),
  );
  await waitForAnalysis(page, 5);
  // Look a (index 0) was worn today; the others 10 to 40 days ago.
  const lookIds = await seedWardrobe(page, [
    { look: 0, category: 'top', colour: 'red', rgb: RED },
    { look: 0, category: 'bottom', colour: 'blue', rgb: BLUE },
    { look: 0, category: 'shoes', colour: 'black', rgb: BLACK },
    { look: 1, category: 'top', colour: 'white', rgb: WHITE },
    { look: 1, category: 'bottom', colour: 'black', rgb: BLACK },
    { look: 1, category: 'shoes', colour: 'white', rgb: WHITE },
    { look: 1, category: 'bag', colour: 'beige', rgb: BEIGE },
    { look: 2, category: 'dress', colour: 'red', rgb: RED },
    { look: 2, category: 'shoes', colour: 'beige', rgb: BEIGE },
    { look: 3, category: 'top', colour: 'beige', rgb: BEIGE },
    { look: 3, category: 'bottom', colour: 'white', rgb: WHITE },
    { look: 3, category: 'outerwear', colour: 'black', rgb: BLACK },
    { look: 3, category: 'shoes', colour: 'blue', rgb: BLUE },
    { look: 4, category: 'top', colour: 'blue', rgb: BLUE },
    { look: 4, category: 'bottom', colour: 'beige', rgb: BEIGE },
    { look: 4, category: 'bag', colour: 'black', rgb: BLACK },
  ], [0, 10, 20, 30, 40]);

  // Complete the look from the red top of look a, in the photo view.
  await page.goto(`/#/look/${lookIds[0]}`);
  await page.getByRole('button', { name: /^Complete the look with item \d+ \(top\)/ }).click();
  await expect(page.getByRole('heading', { name: 'Complete the look' })).toBeVisible();
  const outfits = page.getByRole('list', { name: 'Suggested outfits' }).getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Like outfit/ }) });
  const waiting = page.getByRole('status').filter({ hasText: 'Analysing your looks again…' });
  await expect(outfits.first().or(waiting)).toBeVisible({ timeout: 60_000 });
  if (await waiting.isVisible()) {
    // The shipped outfit student was trained on another garment input size than the app's analysis now
    // makes (an embedding model change before the student is retrained): the view says so, and there is
    // nothing to like.
    await page.screenshot({ path: 'test-results/outfits-waiting.png', fullPage: true });
    test.skip(true, 'the shipped outfit student does not take the garment vectors of the current analysis (it shows "Analysing your looks again…")');
  }
  const before = await outfitNames(page);
  expect(before.length).toBeGreaterThanOrEqual(3);
  for (const names of before) {
    expect(names).toContain('red top'); // every outfit is built around the anchor
    expect(names).not.toContain('blue bottom'); // never from the anchor's own look
    expect(names).toMatch(/\bbottom\b/);
    expect(names).toMatch(/\bshoes\b/);
  }
  // Each outfit shows its garments as crops and says which pull the score up or down.
  await expect(outfits.first().getByRole('img').first()).toBeVisible();
  await expect(outfits.first()).toContainText(/Pulls it (up|down)|weighs about the same|Two garments/);
  // The garment to complete is marked as such; the reasons are about the garments chosen for it.
  for (const o of await outfits.all()) {
    await expect(o.getByRole('listitem').filter({ hasText: 'red top' })).toContainText('the one to complete');
    await expect(o.locator('.why')).not.toContainText('red top');
  }
  await expect(page.getByText(/The best \d+ of \d+ outfits from your garments/)).toBeVisible();
  await page.screenshot({ path: 'test-results/outfits-complete.png', fullPage: true });

  // Like the last suggestion: stored, and the taste is fitted again.
  const likedIndex = before.length - 1;
  const liked = before[likedIndex];
  const likeButton = page.getByRole('button', { name: `Like outfit ${likedIndex + 1}`, exact: true });
  await likeButton.click();
  await expect(likeButton).toHaveAttribute('aria-pressed', 'true');
  await expect(outfits.nth(likedIndex)).toContainText('Liked');

  // Asked again (and after a reload), the liked outfit ranks at least as high and is still marked liked.
  await page.reload();
  await expect(outfits.first()).toBeVisible({ timeout: 60_000 });
  const after = await outfitNames(page);
  const rank = after.indexOf(liked);
  expect(rank).toBeGreaterThanOrEqual(0);
  expect(rank).toBeLessThanOrEqual(likedIndex);
  await expect(page.getByRole('button', { name: `Like outfit ${rank + 1}`, exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText(/ranked with your taste/)).toBeVisible();
  await page.screenshot({ path: 'test-results/outfits-complete-liked.png', fullPage: true });

  // Dress me: what look a (worn today) showed is left out.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dress me' }).click();
  await expect(page.getByRole('heading', { name: 'Dress me' })).toBeVisible();
  await expect(outfits.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Leaving out what you wore in the last 7 days.')).toBeVisible();
  for (const names of await outfitNames(page)) {
    expect(names).not.toContain('red top');
    expect(names).not.toContain('blue bottom');
    expect(names).not.toContain('black shoes');
  }
  // Every garment fills the long side of its 120 px thumbnail, the small ones too (the shoes' boxes are 97-114 x 33 px).
  const sides = () => outfits.locator('canvas').evaluateAll((cs) => cs.map((c) => Math.max((c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height)));
  await expect.poll(async () => [...new Set(await sides())]).toEqual([120]);
  await page.screenshot({ path: 'test-results/outfits-dress-me.png', fullPage: true });

  // Settings: one like; reset forgets it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const summary = page.getByTestId('taste-summary');
  await expect(summary).toContainText('1 like, 0 dislikes.');
  await expect(summary).toContainText(/Taste learned from 5 looks and 1 answers/);
  await page.getByRole('button', { name: 'Reset outfit personalisation' }).click();
  await expect(page.getByRole('status', { name: 'Messages' })).toContainText('Outfit personalisation reset');
  await expect(summary).toContainText('0 likes, 0 dislikes.');
  await page.getByRole('region', { name: 'Outfit suggestions' }).screenshot({ path: 'test-results/outfits-settings.png' });

  // Back in Complete the look, nothing is liked any more.
  await page.goBack();
  await page.goto(`/#/look/${lookIds[0]}`);
  await page.getByRole('button', { name: /^Complete the look with item \d+ \(top\)/ }).click();
  await expect(outfits.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^Like outfit/, pressed: true })).toHaveCount(0);
});

test.describe('real photos', () => {
  test.skip(!HAS_CCP, NO_CCP_REASON);

  test('outfits from the garments the app found in real photos', async ({ page }) => {
    await openApp(page);
    const files = ccpPhotoPaths(6, 'val').map((path) => ({ name: basename(path), mimeType: 'image/jpeg', buffer: readFileSync(path) }));
    await page.getByLabel('Add photos').setInputFiles(files);
    await waitForAnalysis(page, files.length);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dress me' }).click();
    const outfits = page.getByRole('list', { name: 'Suggested outfits' }).getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Like outfit/ }) });
    const waiting = page.getByRole('status').filter({ hasText: 'Analysing your looks again…' });
    await expect(outfits.first().or(waiting)).toBeVisible({ timeout: 60_000 });
    test.skip(await waiting.isVisible(), 'the shipped outfit student does not take the garment vectors of the current analysis (it shows "Analysing your looks again…")');
    // Every photo was added today: nothing can be left out, and the view says so.
    await expect(page.getByText('You wore all of it within the last day, so nothing is left out.')).toBeVisible();
    await page.screenshot({ path: 'test-results/outfits-dress-me-real.png', fullPage: true });

    // Complete the look from the first garment of the first look that shows shoes or a top.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collection' }).click();
    await page.getByRole('list', { name: 'Collection' }).getByRole('listitem').first().getByRole('link').first().click();
    await page.getByRole('button', { name: /^Complete the look with item/ }).first().click();
    await expect(page.getByRole('heading', { name: 'Complete the look' })).toBeVisible();
    // Either outfits, or the reason none can be made around this garment.
    await expect(outfits.first().or(page.getByText(/No outfit can be made around this/))).toBeVisible({ timeout: 60_000 });
    await page.screenshot({ path: 'test-results/outfits-complete-real.png', fullPage: true });
  });
});
