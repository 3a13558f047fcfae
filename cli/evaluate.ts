/**
 * Garment box scoring on CCP: per photo and category, the union of the category's ground-truth boxes against the
 * union of the predicted ones. A category counts as present when its pixels cover >= 1% of the photo. Recall = hits /
 * present, precision = hits / photos with a prediction (hit: IoU >= 0.5). The issue leaves two things open, and the
 * scoring takes each both ways:
 * - "union of boxes": the smallest box holding them ('box', the headline figures) or the area they cover ('area');
 *   they differ where a category has boxes apart (two shoes found one by one against the pair's one box);
 * - a category in the photo but under 1% of it (small shoes of a full-length photo): left out of that category's
 *   scores ('skip', the headline figures) or taken as absent, so that a prediction there counts against precision
 *   ('absent').
 */
import { CATEGORIES, type Category } from '../common/categories';
import type { Box } from '../common/types';
import type { CcpPhoto } from './datasets';
import { areaIou, iou, unionBox } from '../common/boxes';

export const MIN_COVER = 0.01;
export const MIN_IOU = 0.5;
/**
 * The share of the photo a garment's detector cells must cover for `analyze` to report it: the issue scores garments
 * of at least MIN_COVER of the photo's pixels, and the detector's cells (stride 4) cover about 1.25 times a garment's
 * own pixels (median over the CCP train photos' found garments: 0.73 for shoes to 0.99 for dresses). Chosen on the train
 * photos (docs/garment-models.md "Garments too small to score"); the app itself keeps every garment it finds.
 */
export const REPORTED_COVER = 0.012;
/** The categories whose macro-averaged recall and precision issue #3 sets targets for. */
export const SCORED: readonly Category[] = ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag'];

/** The garments `analyze` reports: those covering at least `minCover` of the photo (one stored without a cover: kept). */
export function reportedGarments<G extends { cover?: number }>(garments: G[], minCover = REPORTED_COVER): G[] {
  return garments.filter((g) => (g.cover ?? 1) >= minCover);
}

/** How a category's boxes are one region: the smallest box holding them, or the area they cover. */
export type UnionReading = 'box' | 'area';
/** A category in the photo under MIN_COVER of it: left out of its scores, or taken as absent. */
export type SmallReading = 'skip' | 'absent';

/** CCP label -> category, from the data set's categories.json ("ccp" section). */
export type LabelMap = Map<string, Category>;

export function labelMap(categoriesJson: { ccp: Record<string, string[]> }): LabelMap {
  const map: LabelMap = new Map();
  for (const c of CATEGORIES) for (const label of categoriesJson.ccp[c] ?? []) map.set(label, c);
  return map;
}

export interface CategoryScore {
  present: number;
  predicted: number;
  hits: number;
  recall: number;
  precision: number;
  meanIou: number;
}

export interface PredictedItem {
  category: string;
  box: Box;
}

export function scorePhotos(
  photos: CcpPhoto[],
  predictions: Record<string, { items: PredictedItem[] }>,
  labels: LabelMap,
  { reading = 'box', small = 'skip' }: { reading?: UnionReading; small?: SmallReading } = {},
): Record<Category, CategoryScore> {
  const acc = Object.fromEntries(CATEGORIES.map((c) => [c, { present: 0, predicted: 0, hits: 0, iouSum: 0 }])) as Record<Category, { present: number; predicted: number; hits: number; iouSum: number }>;
  for (const photo of photos) {
    if (photo.kind !== 'pixel' || !photo.items) continue;
    const area = photo.width * photo.height;
    const pred = predictions[photo.id]?.items ?? [];
    for (const c of CATEGORIES) {
      const gtItems = photo.items.filter((i) => labels.get(i.label) === c);
      const pixels = gtItems.reduce((s, i) => s + i.pixels, 0);
      const present = pixels >= MIN_COVER * area;
      const gtBoxes = gtItems.map((i) => i.box);
      const predBoxes = pred.filter((i) => i.category === c).map((i) => i.box);
      const gt = unionBox(gtBoxes);
      const p = unionBox(predBoxes);
      if (!present && gtItems.length > 0 && small === 'skip') continue; // too small to score either way
      const a = acc[c];
      if (present) a.present++;
      if (p) a.predicted++;
      if (present && p && gt) {
        const overlap = reading === 'box' ? iou(gt, p) : areaIou(gtBoxes, predBoxes);
        a.iouSum += overlap;
        if (overlap >= MIN_IOU) a.hits++;
      }
    }
  }
  return Object.fromEntries(
    CATEGORIES.map((c) => {
      const a = acc[c];
      return [c, {
        present: a.present, predicted: a.predicted, hits: a.hits,
        recall: a.present ? a.hits / a.present : 0,
        precision: a.predicted ? a.hits / a.predicted : 0,
        meanIou: a.present ? a.iouSum / a.present : 0,
      }];
    }),
  ) as Record<Category, CategoryScore>;
}

/** Recall and precision macro-averaged over SCORED. */
export function macro(scores: Record<Category, CategoryScore>): { recall: number; precision: number } {
  const mean = (f: (s: CategoryScore) => number) => SCORED.reduce((sum, c) => sum + f(scores[c]), 0) / SCORED.length;
  return { recall: mean((s) => s.recall), precision: mean((s) => s.precision) };
}

export function formatScores(scores: Record<Category, CategoryScore>): string {
  const rows = ['category    present predicted hits recall precision meanIoU'];
  for (const c of CATEGORIES) {
    const s = scores[c];
    rows.push(`${c.padEnd(11)} ${String(s.present).padStart(7)} ${String(s.predicted).padStart(9)} ${String(s.hits).padStart(4)} ${s.recall.toFixed(3).padStart(6)} ${s.precision.toFixed(3).padStart(9)} ${s.meanIou.toFixed(3).padStart(7)}`);
  }
  return rows.join('\n');
}
