/**
 * An item the detector missed: the person drags a box over it on the photo and picks a category; the item is
 * embedded from those pixels and stored with its vector and the look's, like a detected one. An item's box can be
 * drawn again the same way.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { withDb } from './support/idb';
import { makeFigureJpeg } from './support/images';

/** The look, its garments and its vectors, as the app stored them. */
async function stored(page: import('@playwright/test').Page) {
  return withDb(page, async ({ all }) => {
    const [looks, garments, vectors] = await Promise.all([all('looks'), all('garments'), all('vectors')]);
    return {
      looks: looks.map((l) => ({ id: l.id, modelVersion: l.modelVersion, categories: l.categories })),
      garments: garments.map(({ id, category, box, score, colours, histogram, corrected, marked }) => ({ id, category, box, score, colours, histogram, corrected, marked })),
      vectors: vectors.map((v) => ({ id: v.id, modelVersion: v.modelVersion, vector: Array.from(v.vector as Float32Array) })),
    };
  });
}

test('an item the detector missed is marked on the photo, embedded and kept', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Add photos').setInputFiles([{ name: 'figure.jpg', mimeType: 'image/jpeg', buffer: makeFigureJpeg(240, 360) }]);
  await waitForAnalysis(page, 1);
  const before = await stored(page);
  const look = before.looks[0];
  await page.goto(`/#/look/${encodeURIComponent(look.id)}`);
  const items = page.getByRole('list', { name: 'Detected items' }).getByRole('listitem');
  await expect(page.getByRole('heading', { name: 'Detected items' })).toBeVisible();
  const detected = await items.count();

  await page.getByRole('button', { name: 'Mark a missed item' }).click();
  const form = page.getByRole('form', { name: 'Mark a missed item' });
  await expect(form).toContainText('Drag on the photo');
  await expect(form.getByRole('spinbutton', { name: 'Width', exact: true })).toHaveValue('');
  const add = form.getByRole('button', { name: 'Add item' });
  await expect(add).toBeDisabled();
  // Escape leaves without adding anything.
  await form.getByLabel('Category of the marked item').press('Escape');
  await expect(form).toHaveCount(0);
  await page.getByRole('button', { name: 'Mark a missed item' }).click();

  // A box too small to be an item is not taken.
  const photo = page.locator('figure.stage');
  const at = (await photo.boundingBox())!;
  const drag = async (x0: number, y0: number, x1: number, y1: number) => {
    await page.mouse.move(at.x + x0 * at.width, at.y + y0 * at.height);
    await page.mouse.down();
    await page.mouse.move(at.x + x1 * at.width, at.y + y1 * at.height, { steps: 6 });
    await page.mouse.up();
  };
  await drag(0.5, 0.5, 0.505, 0.505);
  await form.getByLabel('Category of the marked item').selectOption('hat');
  await expect(add).toBeDisabled();

  // The head of the generated figure, as a hat: 0.38..0.62 of the width, 0.03..0.19 of the height.
  await drag(0.38, 0.03, 0.62, 0.19);
  await expect(form).toContainText(/Box: \d+ × \d+ px/);
  await expect(add).toBeEnabled();
  await page.screenshot({ path: 'test-results/mark-item.png', fullPage: true });
  await add.click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'Added the hat.' }).first()).toBeVisible();
  await expect(form).toHaveCount(0);
  await expect(items).toHaveCount(detected + 1);
  // The item named by its own label (every item's category select lists "hat" too).
  const hatItem = items.filter({ has: page.getByRole('button', { name: /^Delete item \d+ \(hat\)$/ }) });
  await expect(hatItem).toHaveCount(1);
  await expect(hatItem).toContainText('marked');

  const after = await stored(page);
  const hat = after.garments.find((g) => !before.garments.some((b) => b.id === g.id))!;
  expect(hat).toMatchObject({ category: 'hat', score: 1, corrected: true, marked: true });
  const expected = [0.38 * 240, 0.03 * 360, 0.24 * 240, 0.16 * 360];
  hat.box.forEach((v: number, i: number) => expect(Math.abs(v - expected[i]), `box ${hat.box} against ${expected}`).toBeLessThan(4));
  // Colours of the head's pixels (skin), a histogram that sums to 1.
  expect(hat.colours.length).toBeGreaterThan(0);
  expect(hat.histogram.reduce((s: number, v: number) => s + v, 0)).toBeCloseTo(1, 3);
  // Its vector, of the look's model, and a new look vector that binds it in.
  const own = after.vectors.find((v) => v.id === `garment:${hat.id}`)!;
  expect(own.modelVersion).toBe(look.modelVersion);
  expect(Math.hypot(...own.vector)).toBeCloseTo(1, 3);
  const lookVec = (r: typeof after) => r.vectors.find((v) => v.id === `look:${look.id}`)!.vector;
  expect(lookVec(after)).not.toEqual(lookVec(before));
  expect(after.looks[0].categories).toContain('hat');

  // By keyboard: the box typed in, photo pixels (the shoes of the figure).
  await page.getByRole('button', { name: 'Mark a missed item' }).click();
  for (const [name, value] of [['Left', '80'], ['Top', '316'], ['Width', '80'], ['Height', '22']]) await form.getByRole('spinbutton', { name, exact: true }).fill(value);
  await form.getByLabel('Category of the marked item').selectOption('shoes');
  await expect(form).toContainText('Box: 80 × 22 px at (80, 316)');
  await form.getByRole('button', { name: 'Add item' }).click();
  await expect(items).toHaveCount(detected + 2);
  const typed = (await stored(page)).garments.find((g) => g.marked && g.category === 'shoes');
  expect(typed?.box).toEqual([80, 316, 80, 22]);

  // The hat's box drawn again (here typed): the same item, its box, colours and vector those of the new pixels.
  const hatVector = (r: typeof after) => r.vectors.find((v) => v.id === `garment:${hat.id}`)!.vector;
  const beforeRedraw = await stored(page);
  await hatItem.getByRole('button', { name: /^Redraw the box of item \d+ \(hat\)$/ }).click();
  const redraw = hatItem.getByRole('form', { name: /^Redraw the box of item \d+$/ });
  await expect(redraw.getByRole('spinbutton', { name: 'Left', exact: true })).toHaveValue(String(hat.box[0]));
  await expect(redraw.getByLabel('Category of the marked item')).toHaveCount(0); // the category stays
  for (const [name, value] of [['Left', '60'], ['Top', '40'], ['Width', '120'], ['Height', '150']]) await redraw.getByRole('spinbutton', { name, exact: true }).fill(value);
  await redraw.getByRole('button', { name: 'Save box' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'Saved the new box of the hat.' }).first()).toBeVisible();
  await expect(redraw).toHaveCount(0);
  await expect(items).toHaveCount(detected + 2);
  const redrawn = await stored(page);
  expect(redrawn.garments.find((g) => g.id === hat.id)).toMatchObject({ category: 'hat', box: [60, 40, 120, 150], marked: true });
  expect(hatVector(redrawn)).not.toEqual(hatVector(beforeRedraw));
  expect(lookVec(redrawn)).not.toEqual(lookVec(beforeRedraw));
  expect(redrawn.vectors.find((v) => v.id === `garment:${hat.id}`)!.modelVersion).toBe(look.modelVersion);

  // Kept after a reload, with the rest of the look; Similar items opens for it.
  await page.reload();
  await expect(page.getByRole('list', { name: 'Detected items' }).getByRole('listitem')).toHaveCount(detected + 2);
  await hatItem.getByRole('button', { name: 'Similar items' }).click();
  await expect(page.getByRole('heading', { name: /Similar items to this hat/ })).toBeVisible();
});
