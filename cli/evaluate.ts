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
import { bootstrap } from '../common/random';

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

/** One category in one scored photo: there (>= MIN_COVER), predicted, a hit, and the overlap of the two unions. */
interface Outcome {
  present: boolean;
  predicted: boolean;
  hit: boolean;
  overlap: number;
}

type ScoreOptions = { reading?: UnionReading; small?: SmallReading };

/** The outcome of every category scored in one photo (a category under MIN_COVER is left out with small 'skip'). */
function photoOutcomes(photo: CcpPhoto, pred: PredictedItem[], labels: LabelMap, { reading = 'box', small = 'skip' }: ScoreOptions): Partial<Record<Category, Outcome>> {
  const out: Partial<Record<Category, Outcome>> = {};
  const area = photo.width * photo.height;
  for (const c of CATEGORIES) {
    const gtItems = photo.items!.filter((i) => labels.get(i.label) === c);
    const pixels = gtItems.reduce((s, i) => s + i.pixels, 0);
    const present = pixels >= MIN_COVER * area;
    if (!present && gtItems.length > 0 && small === 'skip') continue; // too small to score either way
    const gtBoxes = gtItems.map((i) => i.box);
    const predBoxes = pred.filter((i) => i.category === c).map((i) => i.box);
    const gt = unionBox(gtBoxes);
    const p = unionBox(predBoxes);
    const overlap = present && p && gt ? (reading === 'box' ? iou(gt, p) : areaIou(gtBoxes, predBoxes)) : 0;
    out[c] = { present, predicted: p !== null, hit: overlap >= MIN_IOU, overlap };
  }
  return out;
}

function scored(photos: CcpPhoto[]): CcpPhoto[] {
  return photos.filter((p) => p.kind === 'pixel' && p.items);
}

/** Category scores from the outcomes of the photos (a photo may come more than once: a bootstrap draw). */
function tally(outcomes: Partial<Record<Category, Outcome>>[]): Record<Category, CategoryScore> {
  return Object.fromEntries(
    CATEGORIES.map((c) => {
      let present = 0, predicted = 0, hits = 0, iouSum = 0;
      for (const o of outcomes) {
        const x = o[c];
        if (!x) continue;
        present += +x.present;
        predicted += +x.predicted;
        hits += +x.hit;
        iouSum += x.overlap;
      }
      return [c, {
        present, predicted, hits,
        recall: present ? hits / present : 0,
        precision: predicted ? hits / predicted : 0,
        meanIou: present ? iouSum / present : 0,
      }];
    }),
  ) as Record<Category, CategoryScore>;
}

export function scorePhotos(
  photos: CcpPhoto[],
  predictions: Record<string, { items: PredictedItem[] }>,
  labels: LabelMap,
  options: ScoreOptions = {},
): Record<Category, CategoryScore> {
  return tally(scored(photos).map((p) => photoOutcomes(p, predictions[p.id]?.items ?? [], labels, options)));
}

export interface MacroInterval {
  recall: [number, number];
  precision: [number, number];
  /** Share of the draws whose macro recall and precision both reach `target`. */
  bothAtTarget: number;
  draws: number;
}

/**
 * How much the macro figures rest on which photos were drawn: `draws` sets of as many photos drawn with replacement
 * from the scored ones (seeded), the middle 95 % of their macro recall and precision, and the share of draws where
 * both reach `target` (a held-out set of this size would be another such draw of photos of the same kind).
 */
export function bootstrapMacro(
  photos: CcpPhoto[],
  predictions: Record<string, { items: PredictedItem[] }>,
  labels: LabelMap,
  { draws = 1000, seed = 1, target = 0.75, ...options }: ScoreOptions & { draws?: number; seed?: number; target?: number } = {},
): MacroInterval {
  const outcomes = scored(photos).map((p) => photoOutcomes(p, predictions[p.id]?.items ?? [], labels, options));
  const b = bootstrap(
    outcomes.length,
    (drawn) => {
      const m = macro(tally(drawn.map((i) => outcomes[i])));
      return [m.recall, m.precision];
    },
    ([recall, precision]) => recall >= target && precision >= target,
    { draws, seed },
  );
  return { recall: b.intervals[0] ?? [0, 0], precision: b.intervals[1] ?? [0, 0], bothAtTarget: b.met, draws: b.draws };
}

/** Recall and precision macro-averaged over SCORED. */
export function macro(scores: Record<Category, CategoryScore>): { recall: number; precision: number } {
  const mean = (f: (s: CategoryScore) => number) => SCORED.reduce((sum, c) => sum + f(scores[c]), 0) / SCORED.length;
  return { recall: mean((s) => s.recall), precision: mean((s) => s.precision) };
}

export function formatInterval(m: MacroInterval, photos: number): string {
  const r = (v: [number, number]) => `${v[0].toFixed(3)}-${v[1].toFixed(3)}`;
  return `how much rests on the photos drawn: the middle 95% of ${m.draws} bootstrap draws of ${photos} photos, recall ${r(m.recall)}, `
    + `precision ${r(m.precision)}; both >= 0.75 in ${(100 * m.bothAtTarget).toFixed(1)}% of the draws`;
}

export function formatScores(scores: Record<Category, CategoryScore>): string {
  const rows = ['category    present predicted hits recall precision meanIoU'];
  for (const c of CATEGORIES) {
    const s = scores[c];
    rows.push(`${c.padEnd(11)} ${String(s.present).padStart(7)} ${String(s.predicted).padStart(9)} ${String(s.hits).padStart(4)} ${s.recall.toFixed(3).padStart(6)} ${s.precision.toFixed(3).padStart(9)} ${s.meanIou.toFixed(3).padStart(7)}`);
  }
  return rows.join('\n');
}
