/**
 * Tuning the garment rules on CCP train photos: the models run once per photo (observations cached to a
 * file), then the rules are re-run for each candidate setting, by coordinate descent over a small grid,
 * maximising the mean over categories of F1 (recall and precision as in evaluate.ts).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { Category } from '../common/categories';
import type { RgbaImage } from '../common/types';
import type { Analyzer, Observation } from '../workers/pipeline';
import { maskLookup } from '../workers/pipeline';
import { GARMENT_RULES, garmentRegions, type GarmentRules } from '../workers/pipeline/garments';
import type { CcpPhoto } from './datasets';
import { formatScores, scorePhotos, type LabelMap, type PredictedItem } from './evaluate';

interface CachedObservation extends Omit<Observation, 'mask'> {
  mask: { region: Observation['mask']['region']; size: number; bytes: string };
}

export async function observeAll(
  analyzer: Analyzer,
  photos: CcpPhoto[],
  load: (p: CcpPhoto) => Promise<RgbaImage>,
  cachePath: string | undefined,
  log: (s: string) => void,
): Promise<Map<string, Observation>> {
  const cached: Record<string, CachedObservation> = cachePath && existsSync(cachePath) ? JSON.parse(await readFile(cachePath, 'utf8')) : {};
  const out = new Map<string, Observation>();
  let i = 0;
  for (const p of photos) {
    i++;
    let c = cached[p.id];
    if (!c) {
      const o = await analyzer.observe(await load(p));
      const bytes = Buffer.from(Uint8Array.from(o.mask.data, (v) => Math.round(v * 255))).toString('base64');
      c = { ...o, mask: { region: o.mask.region, size: o.mask.size, bytes } };
      cached[p.id] = c;
      if (i % 20 === 0) log(`observed ${i}/${photos.length}`);
    }
    const raw = Buffer.from(c.mask.bytes, 'base64');
    out.set(p.id, { ...c, mask: { region: c.mask.region, size: c.mask.size, data: Float32Array.from(raw, (v) => v / 255) } });
  }
  if (cachePath) await writeFile(cachePath, JSON.stringify(cached));
  return out;
}

/** The grid searched per rule (the current value is always a candidate too). */
export const TUNE_GRID: Partial<Record<keyof GarmentRules, number[]>> = {
  minKeypoint: [0.05, 0.1, 0.2, 0.3],
  topAbove: [0, 0.05, 0.1, 0.15, 0.2, 0.3],
  topBelow: [-0.1, 0, 0.1, 0.2, 0.3],
  columnFill: [0.1, 0.2, 0.3, 0.4, 0.5],
  bottomSide: [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 100],
  bottomAbove: [-0.1, 0, 0.1, 0.2],
  sameColour: [0, 10, 15, 20, 25, 30, 40, 50, 60, 1000],
  shortBelowKnee: [-0.3, -0.15, 0, 0.15, 0.3],
  longBelowAnkle: [-0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1],
  dressColour: [0, 5, 8, 12, 16, 20],
  outerContrast: [4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 1000],
  skinDistance: [0, 10, 15, 20, 30],
  outerBelow: [0, 0.2, 0.4, 0.6, 0.8],
  innerWidth: [0.2, 0.35, 0.5, 0.7, 1],
  shoeAbove: [-0.2, -0.1, 0, 0.1, 0.2],
  shoeBelow: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
  shoeSide: [0.1, 0.2, 0.3, 0.4, 0.5],
  minBagScore: [0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
  hatAbove: [0.8, 1.0, 1.2, 1.4, 1.6, 2.0, 100],
};

export function predictAll(
  photos: CcpPhoto[],
  obs: Map<string, Observation>,
  images: Map<string, RgbaImage>,
  rules: GarmentRules,
): Record<string, { items: PredictedItem[] }> {
  const preds: Record<string, { items: PredictedItem[] }> = {};
  for (const p of photos) {
    const o = obs.get(p.id);
    const image = images.get(p.id);
    if (!o || !image) continue;
    const regions = garmentRegions(
      { image, keypoints: o.keypoints, maskAt: maskLookup(o.mask), maskStep: o.mask.region.size / o.mask.size, detections: o.detections, person: o.person },
      rules,
    );
    preds[p.id] = { items: regions.map((r) => ({ category: r.category, box: r.box })) };
  }
  return preds;
}

const f1 = (r: number, p: number) => (r + p > 0 ? (2 * r * p) / (r + p) : 0);

export function objective(photos: CcpPhoto[], preds: Record<string, { items: PredictedItem[] }>, labels: LabelMap): number {
  const s = scorePhotos(photos, preds, labels);
  const cats: Category[] = ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag', 'hat'];
  return cats.reduce((sum, c) => sum + f1(s[c].recall, s[c].precision), 0) / cats.length;
}

export function tune(
  photos: CcpPhoto[],
  obs: Map<string, Observation>,
  images: Map<string, RgbaImage>,
  labels: LabelMap,
  log: (s: string) => void,
  rounds = 2,
): GarmentRules {
  let rules: GarmentRules = { ...GARMENT_RULES };
  let best = objective(photos, predictAll(photos, obs, images, rules), labels);
  log(`start: mean F1 ${best.toFixed(4)}`);
  for (let round = 0; round < rounds; round++) {
    for (const [key, values] of Object.entries(TUNE_GRID) as [keyof GarmentRules, number[]][]) {
      for (const v of values) {
        const candidate = { ...rules, [key]: v } as GarmentRules;
        const score = objective(photos, predictAll(photos, obs, images, candidate), labels);
        if (score > best + 1e-6) {
          best = score;
          rules = candidate;
          log(`  ${key} = ${v}: mean F1 ${score.toFixed(4)}`);
        }
      }
    }
  }
  log(formatScores(scorePhotos(photos, predictAll(photos, obs, images, rules), labels)));
  return rules;
}
