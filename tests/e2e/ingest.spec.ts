/**
 * Ingest through the real UI on the built app: photos are stored upright without EXIF, analysed, kept
 * across reloads, and bad files get a message naming them while the rest of the batch goes on.
 */
import { test, expect, openApp, waitForAnalysis } from './support/fixtures';
import { withDb } from './support/idb';
import { heicBytes, makeFigureJpeg, makeJpeg, withClaimedSize, withExif } from './support/images';

const jpegFile = (name: string, buffer: Buffer) => ({ name, mimeType: 'image/jpeg', buffer });

/** Reads the stored looks straight from IndexedDB, as the app left them. */
async function storedLooks(page: import('@playwright/test').Page) {
  return withDb(page, async ({ all }) => {
    const looks = await all('looks');
    const out = [];
    for (const look of looks) {
      const bytes = new Uint8Array(await (look.photo as Blob).arrayBuffer());
      let latin = '';
      for (let i = 0; i < Math.min(bytes.length, 4096); i++) latin += String.fromCharCode(bytes[i]);
      out.push({
        name: look.name,
        status: look.status,
        width: look.width,
        height: look.height,
        takenAt: look.takenAt ?? null,
        photoType: (look.photo as Blob).type,
        hasExif: latin.includes('Exif\0\0'),
        hasThumb: (look.thumb as Blob).size > 0,
      });
    }
    return out;
  });
}

test('photos are stored upright, without EXIF, analysed, and still there after a reload', async ({ page }) => {
  await openApp(page);
  // 120x60 raw pixels, left half red and right half blue, EXIF orientation 6 (rotate 90 degrees clockwise).
  const raw = makeFigureJpeg(240, 360);
  const rotated = withExif(
    makeJpeg(120, 60, (x) => (x < 60 ? [220, 30, 30] : [30, 30, 220])),
    { orientation: 6, dateTimeOriginal: '2024:05:17 08:30:00', latitude: 48.8584, longitude: 2.2945 },
  );
  await page.getByLabel('Add photos').setInputFiles([jpegFile('figure.jpg', raw), jpegFile('sideways.jpg', rotated)]);
  await waitForAnalysis(page, 2);

  const looks = await storedLooks(page);
  expect(looks).toHaveLength(2);
  for (const look of looks) {
    expect(look.status).toBe('analysed');
    expect(look.photoType).toBe('image/jpeg');
    expect(look.hasExif, `${look.name} keeps no EXIF (no GPS)`).toBe(false);
    expect(look.hasThumb).toBe(true);
  }
  const sideways = looks.find((l) => l.name === 'sideways.jpg')!;
  expect([sideways.width, sideways.height], 'orientation 6 turns 120x60 into 60x120').toEqual([60, 120]);
  expect(new Date(sideways.takenAt!).getFullYear()).toBe(2024);
  expect(new Date(sideways.takenAt!).getMonth()).toBe(4);

  await page.reload();
  await waitForAnalysis(page, 2);
  expect(await storedLooks(page)).toHaveLength(2);
});

test('bad files each get a clear message and the rest of the batch goes on', async ({ page }) => {
  await openApp(page);
  const good = makeFigureJpeg(200, 300);
  const truncated = good.subarray(0, Math.floor(good.length * 0.4));
  await page.getByLabel('Add photos').setInputFiles([
    jpegFile('empty.jpg', Buffer.alloc(0)),
    { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are my notes, not a photo\n'.repeat(20)) },
    jpegFile('cut.jpg', truncated),
    jpegFile('huge.jpg', withClaimedSize(good, 10_000, 6_000)),
    { name: 'holiday.heic', mimeType: 'image/heic', buffer: heicBytes() },
    jpegFile('good.jpg', good),
  ]);
  await waitForAnalysis(page, 1);
  // One message line per bad file, in the "Problems" alert region.
  const problems = page.getByRole('alert', { name: 'Problems' }).getByRole('listitem');
  await expect(problems).toHaveCount(5);
  for (const [name, problem] of [
    ['empty.jpg', /empty/i],
    ['notes.jpg', /not .*image|not a (JPEG|supported)/i],
    ['cut.jpg', /corrupt|truncated/i],
    ['huge.jpg', /megapixel|MP/i],
    ['holiday.heic', /HEIC/i],
  ] as const) {
    const message = problems.filter({ hasText: name });
    await expect(message, `one message for ${name}`).toHaveCount(1);
    await expect(message).toContainText(problem);
  }
  const looks = await storedLooks(page);
  expect(looks.map((l) => l.name)).toEqual(['good.jpg']);
});

test('a batch gives each thumbnail one object URL, not one per change of the collection', async ({ page }) => {
  // Every stored and every analysed photo re-reads the collection; each re-read used to hand every <img> a new
  // Blob, so the browser made a new object URL and decoded every thumbnail again (O(n²) over a batch).
  await page.addInitScript(() => {
    const made = URL.createObjectURL.bind(URL);
    (window as unknown as { objectUrls: number }).objectUrls = 0;
    URL.createObjectURL = (obj: Blob | MediaSource) => {
      (window as unknown as { objectUrls: number }).objectUrls += 1;
      return made(obj);
    };
  });
  await openApp(page);
  const n = 8;
  const files = Array.from({ length: n }, (_, i) => jpegFile(`look-${i}.jpg`, makeFigureJpeg(200, 320, [(i * 60) % 256, 90, 40], [30, 30, (i * 30) % 256])));
  await page.getByLabel('Add photos').setInputFiles(files);
  await waitForAnalysis(page, n);
  await expect(page.getByRole('list', { name: 'Collection' }).getByRole('img')).toHaveCount(n);
  const urls = await page.evaluate(() => (window as unknown as { objectUrls: number }).objectUrls);
  expect(urls).toBeGreaterThanOrEqual(n);
  expect(urls).toBeLessThanOrEqual(n + 2);
});
