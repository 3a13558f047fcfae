/**
 * `score-outfits`: compatibility of given outfits of garment boxes (Node, WASM).
 *
 * In:  {"outfits": [{"id": "o1", "items": [{"photo": "0001", "box": [x, y, w, h], "category": "top"}]}]}
 *      photos are DIR/photos/<photo>.jpg (any split).
 * Out: {"scores": {"o1": 0.73}}, 0..1, higher = more compatible.
 * Each garment is cut out as training cuts it (crop.ts): where DIR is in the CCP layout and the box is one of
 * the photo's annotated garments of that category (annotations.json, IoU >= MASK_MATCH_IOU with one label's box,
 * or with the union box of all its labels of the category), by its own pixel mask (masks/<photo>.png), as the
 * "mask" crops of training and of every headline figure; otherwise only a box is known, and the pixels the selfie
 * model does not call person are grey (training's "box" crops). Then embedded with garment-net; its input is
 * garmentInput(embedding, named colours and colour histogram of the kept pixels). An outfit with a problem
 * (missing photo, bad box, unknown category, not 2..8 garments) is reported on stderr and left out; the rest go on.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { iou, unionBox } from '../common/boxes';
import { isCategory, type Category } from '../common/categories';
import type { Box, RgbaImage } from '../common/types';
import { garmentInput, load, OUTFIT, type Garment } from '../workers/models/outfit-scorer';
import { checkBox, type KeepTest } from '../workers/models/outfit-scorer/crop';
import { fileHandler } from '../workers/node/fs-models';
import { ccpPhotoPath, readCcp, type CcpItem } from './datasets';
import { readImage } from './image';
import { ccpCategories, embedCrops, loadCropModels, personTest, readMask } from './outfit-features';
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

/** IoU with an annotated garment's box at which a given box is taken to be that garment. */
export const MASK_MATCH_IOU = 0.9;

/** A data set's annotated garments, when DIR is in the CCP layout with masks: what cuts a box out by its own mask. */
interface Annotated {
  labels: string[];
  items: Map<string, CcpItem[]>;
  /** The data set's label -> category map (categories.json beside DIR); null where there is none. */
  categories: Map<string, Category> | null;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function readAnnotated(dir: string, log: (s: string) => void): Promise<Annotated | null> {
  if (!existsSync(join(dir, 'annotations.json')) || !existsSync(join(dir, 'masks'))) return null;
  let ann: Awaited<ReturnType<typeof readCcp>>;
  try {
    ann = await readCcp(dir);
  } catch (error) {
    log(`annotations not used (every garment cut by the person mask): ${message(error)}`);
    return null;
  }
  let categories: Map<string, Category> | null = null;
  try {
    categories = await ccpCategories(dir);
  } catch (error) {
    log(`no label map (${message(error)}): a box is taken for an annotated garment by its own box alone`);
  }
  const items = new Map(ann.photos.filter((p) => p.items?.length).map((p) => [p.id, p.items!]));
  return { labels: ann.labels, items, categories };
}

/**
 * The annotated labels a box of `category` is: the one label whose box it matches, else all the category's labels
 * when it matches their union box; none when it is no annotated garment. Without a label map (`categories` null)
 * only the first: the one label of any category whose box it matches.
 */
export function matchedLabels(items: readonly CcpItem[], categories: Map<string, Category> | null, category: Category, box: Box): string[] {
  const own = categories ? items.filter((i) => categories.get(i.label) === category) : items;
  const [best] = own.map((i) => ({ label: i.label, overlap: iou(i.box, box) })).sort((a, b) => b.overlap - a.overlap);
  if (best && best.overlap >= MASK_MATCH_IOU) return [best.label];
  const union = categories && unionBox(own.map((i) => i.box));
  return union && iou(union, box) >= MASK_MATCH_IOU ? own.map((i) => i.label) : [];
}

/** `masks` false: every garment cut by the person mask, annotations or not (the crop of a box alone). */
export async function scoreOutfits(opts: { data: string; outfits: string; model: string; out: string; models?: string; cache?: string; masks?: boolean }, log: (s: string) => void): Promise<void> {
  const modelJson = opts.model === 'student' ? join(STUDENT_DIR, 'model.json') : opts.model === 'teacher' ? join(teacherDir(opts.cache), 'model.json') : null;
  if (!modelJson) throw new Error(`--model must be teacher or student, got "${opts.model}"`);
  const input = JSON.parse(await readFile(opts.outfits, 'utf8')) as { outfits?: InOutfit[] };
  if (!Array.isArray(input.outfits)) throw new Error(`${opts.outfits}: expected {"outfits": [...]}`);
  const scorer = await load(fileHandler(modelJson));
  const annotated = opts.masks === false ? null : await readAnnotated(opts.data, log);
  const models = await loadCropModels(opts.models);
  let byMask = 0;
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
        for (const r of wanted) fail(r.outfit, `photo ${photo}: ${message(error)}`);
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
      // Each garment of the photo cut out and embedded once, however many outfits hold it.
      const key = (r: { category: Category; box: Box }) => `${r.category}:${r.box.join(',')}`;
      const unique = [...new Map(ok.map((r) => [key(r), r])).values()];
      const keeps = await maskTests(annotated, opts.data, photo, image, unique, log);
      byMask += keeps.filter(Boolean).length;
      const person = keeps.every(Boolean) ? undefined : await personTest(models, image);
      const vectors = await embedCrops(models, image, unique.map((r, i) => ({ box: r.box, keep: keeps[i] ?? person })));
      const first = garments.length;
      unique.forEach((r, i) => garments.push({ vector: garmentInput(vectors[i].vector, vectors[i].colours, vectors[i].histogram), category: r.category }));
      const at = new Map(unique.map((r, i) => [key(r), first + i]));
      for (const r of ok) slotOf.set(`${r.outfit}/${r.slot}`, at.get(key(r))!);
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
  log(`scored ${scored.length} outfits, ${failed.size} with problems (${opts.model}); ${byMask} of ${garments.length} garments cut out by their annotated masks, the rest by the person mask`);
}

/** Per request, the test of its annotated garment's own pixels, or undefined where the box is no annotated garment. */
async function maskTests(annotated: Annotated | null, dir: string, photo: string, image: RgbaImage, requests: { box: Box; category: Category }[], log: (s: string) => void): Promise<(KeepTest | undefined)[]> {
  const items = annotated?.items.get(photo);
  if (!annotated || !items) return requests.map(() => undefined);
  const labels = requests.map((r) => matchedLabels(items, annotated.categories, r.category, r.box));
  if (labels.every((l) => l.length === 0)) return requests.map(() => undefined);
  let mask: { width: number; data: Uint8Array };
  try {
    mask = await readMask(dir, photo);
    if (mask.width !== image.width || mask.data.length !== image.width * image.height) throw new Error(`is ${mask.width} x ${mask.data.length / mask.width}, the photo ${image.width} x ${image.height}`);
  } catch (error) {
    log(`photo ${photo}: mask not used (${message(error)})`);
    return requests.map(() => undefined);
  }
  return labels.map((ls) => {
    if (ls.length === 0) return undefined;
    const values = new Set(ls.map((l) => annotated.labels.indexOf(l)));
    return (x: number, y: number) => values.has(mask.data[y * mask.width + x]);
  });
}
