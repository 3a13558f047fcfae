/**
 * `score-outfits`: compatibility of given outfits of garment boxes (Node, WASM).
 *
 * In:  {"outfits": [{"id": "o1", "items": [{"photo": "0001", "box": [x, y, w, h], "category": "top"}]}]}
 *      photos are DIR/photos/<photo>.jpg (any split).
 * Out: {"scores": {"o1": 0.73}}, 0..1, higher = more compatible.
 * Each garment is cropped exactly as in training's "box" crops (crop.ts; pixels the selfie model does
 * not call person are grey: only a box is known here, not the garment's own mask) and embedded with
 * garment-net; its input is garmentInput(embedding, named colours and colour histogram of the kept pixels). An outfit with a problem (missing photo,
 * bad box, unknown category, not 2..8 garments) is reported on stderr and left out; the rest go on.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCategory, type Category } from '../common/categories';
import type { RgbaImage } from '../common/types';
import { garmentInput, load, OUTFIT, type Garment } from '../workers/models/outfit-scorer';
import { checkBox } from '../workers/models/outfit-scorer/crop';
import { fileHandler } from '../workers/node/fs-models';
import { ccpPhotoPath } from './datasets';
import { readImage } from './image';
import { embedCrops, loadCropModels, personTest } from './outfit-features';
import { STUDENT_DIR, teacherDir } from './train-paths';

interface InItem {
  photo: string;
  box: unknown;
  category: string;
}
interface InOutfit {
  id: string;
  items: InItem[];
}

export async function scoreOutfits(opts: { data: string; outfits: string; model: string; out: string; models?: string; cache?: string }, log: (s: string) => void): Promise<void> {
  const modelJson = opts.model === 'student' ? join(STUDENT_DIR, 'model.json') : opts.model === 'teacher' ? join(teacherDir(opts.cache), 'model.json') : null;
  if (!modelJson) throw new Error(`--model must be teacher or student, got "${opts.model}"`);
  const input = JSON.parse(await readFile(opts.outfits, 'utf8')) as { outfits?: InOutfit[] };
  if (!Array.isArray(input.outfits)) throw new Error(`${opts.outfits}: expected {"outfits": [...]}`);
  const scorer = await load(fileHandler(modelJson));
  const models = await loadCropModels(opts.models);
  const failed = new Map<string, string>();
  const fail = (id: string, why: string) => {
    if (!failed.has(id)) {
      failed.set(id, why);
      log(`outfit ${id}: ${why}`);
    }
  };
  // Garment requests grouped by photo, so that each photo is decoded and segmented once.
  const byPhoto = new Map<string, { outfit: string; slot: number; box: unknown; category: Category }[]>();
  const outfits = input.outfits.map((o, n) => ({ id: String(o?.id ?? `#${n}`), items: Array.isArray(o?.items) ? o.items : [] }));
  for (const o of outfits) {
    if (o.items.length < 2 || o.items.length > OUTFIT.slots) fail(o.id, `has ${o.items.length} garments, expected 2..${OUTFIT.slots}`);
    o.items.forEach((it, slot) => {
      if (!isCategory(it?.category)) return fail(o.id, `garment ${slot}: unknown category ${JSON.stringify(it?.category)}`);
      if (typeof it.photo !== 'string' || !/^[\w.-]+$/.test(it.photo)) return fail(o.id, `garment ${slot}: bad photo id ${JSON.stringify(it?.photo)}`);
      byPhoto.set(it.photo, [...(byPhoto.get(it.photo) ?? []), { outfit: o.id, slot, box: it.box, category: it.category }]);
    });
  }
  const garments: Garment[] = [];
  const slotOf = new Map<string, number>(); // `${outfit}/${slot}` -> garment index
  try {
    for (const [photo, requests] of byPhoto) {
      const wanted = requests.filter((r) => !failed.has(r.outfit));
      if (wanted.length === 0) continue;
      let image: RgbaImage;
      try {
        image = await readImage(ccpPhotoPath(opts.data, photo));
      } catch (error) {
        for (const r of wanted) fail(r.outfit, `photo ${photo}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const ok = wanted.flatMap((r) => {
        try {
          return [{ ...r, box: checkBox(r.box, image.width, image.height) }];
        } catch (error) {
          fail(r.outfit, `garment ${r.slot} (photo ${photo}): ${(error as Error).message}`);
          return [];
        }
      });
      if (ok.length === 0) continue;
      const person = await personTest(models, image);
      const vectors = await embedCrops(models, image, ok.map((r) => ({ box: r.box, keep: person })));
      ok.forEach((r, i) => {
        slotOf.set(`${r.outfit}/${r.slot}`, garments.length);
        garments.push({ vector: garmentInput(vectors[i].vector, vectors[i].colours, vectors[i].histogram), category: r.category });
      });
    }
  } finally {
    models.dispose();
  }
  const scored = outfits.filter((o) => !failed.has(o.id));
  const indices = scored.map((o) => o.items.map((_, slot) => slotOf.get(`${o.id}/${slot}`)!));
  const values = await scorer.score(garments, indices);
  scorer.dispose();
  const scores: Record<string, number> = {};
  scored.forEach((o, i) => {
    scores[o.id] = Math.round(values[i] * 1e6) / 1e6;
  });
  await writeFile(opts.out, `${JSON.stringify({ scores })}\n`);
  log(`scored ${scored.length} outfits, ${failed.size} with problems (${opts.model})`);
}
