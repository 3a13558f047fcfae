/**
 * First version of garment regions, from pose keypoints, the person mask and CenterNet's bag classes.
 * A trained detector replaces this later behind the same `garmentRegions` interface. Every constant
 * below was tuned on the first 320 pixel-annotated CCP train photos (`npm run --silent cli -- tune
 * --data ../shared/data/ccp --split train --limit 320`, coordinate descent on mean F1), in units of the person's own body lengths
 * so that it does not depend on the photo's size.
 */
import type { Category } from '../../common/categories';
import type { Box, RgbaImage } from '../../common/types';
import type { Detection } from '../models/centernet';
import { KP, type Keypoint } from '../models/movenet';
import { deltaE, meanColour, samplePixels } from './colours';

export const GARMENT_RULES = {
  /** Keypoints below this MoveNet score are treated as missing (0..1). */
  minKeypoint: 0.2,
  /** Mask probability that counts as person (0..1). */
  minMask: 0.5,
  /** A column belongs to a garment band when at least this fraction of its rows are person. */
  columnFill: 0.2,
  /** Top: from the shoulders minus this many torso lengths down to the hips plus this many. */
  topAbove: 0.15,
  topBelow: 0,
  /** Bottom: starts this many torso lengths above the hip line. */
  bottomAbove: 0.1,
  /**
   * Bottom: columns further than this many torso lengths outside the hips, knees and ankles are left out
   * (the hands hang beside the hips and would widen the box).
   */
  bottomSide: 0.2,
  /** Bottom ends at the ankles when the shin looks like the thigh (delta E below this), else at the knees. */
  sameColour: 10,
  /** Short bottoms (skirt, shorts) end this many thigh lengths below the knee line (negative: above). */
  shortBelowKnee: 0.3,
  /** Long bottoms end this many shin lengths below the ankles. */
  longBelowAnkle: -0.2,
  /** Dress: top and thigh colours closer than this delta E make one dress instead of top + bottom. */
  dressColour: 16,
  /**
   * Outerwear (an open jacket or coat over a top): the upper arms differ from the centre of the torso by
   * more than `outerContrast` (delta E) and from the face by more than `skinDistance` (so bare arms do not
   * count). Its box is the top's, reaching `outerBelow` torso lengths below the hips; the top then keeps
   * the centre `innerWidth` of the shoulder width on each side of the middle.
   */
  outerContrast: 4,
  skinDistance: 10,
  outerBelow: 0.4,
  innerWidth: 0.7,
  /** Shoes: box around the ankles, in shin lengths (knee to ankle). */
  shoeAbove: 0.1,
  shoeBelow: 0.6,
  shoeSide: 0.2,
  /** Bags: CenterNet classes and their minimum score (0..1). */
  bagClasses: ['handbag', 'backpack', 'suitcase'] as readonly string[],
  minBagScore: 0.15,
  /** Hat: the mask reaches above the eyes by more than this many eye-to-shoulder lengths. */
  hatAbove: 1,
} as const;

export type GarmentRules = { -readonly [K in keyof typeof GARMENT_RULES]: (typeof GARMENT_RULES)[K] };

/** Person probability at image pixel (x, y); 0 outside the mask's region. */
export type MaskAt = (x: number, y: number) => number;

export interface GarmentRegion {
  category: Category;
  box: Box;
  score: number;
}

export interface RegionInput {
  image: RgbaImage;
  keypoints: Keypoint[];
  maskAt: MaskAt;
  /** Mask cell size in image pixels (the step for scanning the mask). */
  maskStep: number;
  detections: Detection[];
  /** The main person's box [x, y, w, h]. */
  person: Box;
}

const clampBox = (x1: number, y1: number, x2: number, y2: number, w: number, h: number): Box | null => {
  const [a, b, c, d] = [Math.max(0, x1), Math.max(0, y1), Math.min(w, x2), Math.min(h, y2)];
  return c - a >= 2 && d - b >= 2 ? [a, b, c - a, d - b] : null;
};

/** Columns [x1, x2] where the mask fills at least `columnFill` of the rows y1..y2 (null: none). */
function maskColumns(input: RegionInput, y1: number, y2: number, xMin: number, xMax: number, rules: GarmentRules): [number, number] | null {
  const step = Math.max(1, input.maskStep);
  let left = Infinity;
  let right = -Infinity;
  for (let x = xMin; x <= xMax; x += step) {
    let hits = 0;
    let rows = 0;
    for (let y = y1; y <= y2; y += step) {
      rows++;
      if (input.maskAt(x, y) >= rules.minMask) hits++;
    }
    if (rows > 0 && hits / rows >= rules.columnFill) {
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  return left <= right ? [left, right] : null;
}

/** Topmost person row in columns x1..x2, scanning from y0 upwards; null when none. */
function maskTop(input: RegionInput, x1: number, x2: number, yFrom: number, rules: GarmentRules): number | null {
  const step = Math.max(1, input.maskStep);
  let top: number | null = null;
  for (let y = yFrom; y >= 0; y -= step) {
    let any = false;
    for (let x = x1; x <= x2; x += step) {
      if (input.maskAt(x, y) >= rules.minMask) {
        any = true;
        break;
      }
    }
    if (!any) break;
    top = y;
  }
  return top;
}

/** A thin box along the segment a->b between fractions `from` and `to`, `half` pixels each side. */
function segmentBox(a: Keypoint, b: Keypoint, from: number, to: number, half: number): Box {
  const xA = a[0] + (b[0] - a[0]) * from;
  const xB = a[0] + (b[0] - a[0]) * to;
  const yA = a[1] + (b[1] - a[1]) * from;
  const yB = a[1] + (b[1] - a[1]) * to;
  const x1 = Math.min(xA, xB) - half;
  const y1 = Math.min(yA, yB) - half / 2;
  return [x1, y1, Math.max(2, Math.abs(xB - xA) + 2 * half), Math.max(2, Math.abs(yB - yA) + half)];
}

const mid = (a: Keypoint, b: Keypoint): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** Garment regions of the main person, one box per category at most. */
export function garmentRegions(input: RegionInput, rules: GarmentRules = GARMENT_RULES): GarmentRegion[] {
  const { image, keypoints: k } = input;
  const { width: w, height: h } = image;
  const ok = (i: number) => k[i] && k[i][2] >= rules.minKeypoint;
  const out: GarmentRegion[] = [];
  const score = (...ids: number[]) => ids.reduce((s, i) => s + k[i][2], 0) / ids.length;
  const [px, , pw] = input.person;
  const xMin = Math.max(0, px - 0.05 * pw);
  const xMax = Math.min(w - 1, px + pw * 1.05);

  const shoulders = ok(KP.left_shoulder) && ok(KP.right_shoulder);
  const hips = ok(KP.left_hip) && ok(KP.right_hip);
  let torso = 0;
  let topColour: number[] | null = null;
  let top: Box | null = null;
  if (shoulders && hips) {
    const [, sy] = mid(k[KP.left_shoulder], k[KP.right_shoulder]);
    const [, hy] = mid(k[KP.left_hip], k[KP.right_hip]);
    torso = Math.max(1, hy - sy);
    const y1 = sy - rules.topAbove * torso;
    const y2 = hy + rules.topBelow * torso;
    const cols = maskColumns(input, y1, y2, xMin, xMax, rules);
    if (cols) {
      top = clampBox(cols[0], y1, cols[1], y2, w, h);
      const inner = clampBox(
        Math.min(k[KP.left_shoulder][0], k[KP.right_shoulder][0]), sy + 0.2 * torso,
        Math.max(k[KP.left_shoulder][0], k[KP.right_shoulder][0]), hy - 0.1 * torso, w, h,
      );
      topColour = inner ? meanColour(samplePixels(image, inner, input.maskAt)) : null;
    }
  }

  let outer: Box | null = null;
  if (top && topColour && ok(KP.left_elbow) && ok(KP.right_elbow) && ok(KP.nose)) {
    const half = Math.max(2, 0.06 * torso);
    const arms = meanColour([
      ...samplePixels(image, segmentBox(k[KP.left_shoulder], k[KP.left_elbow], 0.3, 0.8, half), input.maskAt),
      ...samplePixels(image, segmentBox(k[KP.right_shoulder], k[KP.right_elbow], 0.3, 0.8, half), input.maskAt),
    ]);
    const face = meanColour(samplePixels(image, [k[KP.nose][0] - half, k[KP.nose][1] - half, 2 * half, 2 * half]));
    if (arms && face && deltaE(arms, topColour) > rules.outerContrast && deltaE(arms, face) > rules.skinDistance) {
      const [, hy] = mid(k[KP.left_hip], k[KP.right_hip]);
      outer = clampBox(top[0], top[1], top[0] + top[2], Math.max(top[1] + top[3], hy + rules.outerBelow * torso), w, h);
      const cx = (k[KP.left_shoulder][0] + k[KP.right_shoulder][0]) / 2;
      const span = Math.abs(k[KP.left_shoulder][0] - k[KP.right_shoulder][0]) * rules.innerWidth;
      top = clampBox(Math.max(top[0], cx - span), top[1], Math.min(top[0] + top[2], cx + span), top[1] + top[3], w, h) ?? top;
    }
  }
  if (outer) out.push({ category: 'outerwear', box: outer, score: score(KP.left_shoulder, KP.right_shoulder, KP.left_elbow, KP.right_elbow) * 0.6 });

  let bottom: Box | null = null;
  let thighColour: number[] | null = null;
  const knees = ok(KP.left_knee) && ok(KP.right_knee);
  if (hips && knees) {
    const [, hy] = mid(k[KP.left_hip], k[KP.right_hip]);
    const [, ky] = mid(k[KP.left_knee], k[KP.right_knee]);
    const thigh = Math.max(1, ky - hy);
    const unit = torso || thigh;
    const y1 = hy - rules.bottomAbove * unit;
    // Thigh and shin colours sampled along the legs' centre lines (a few pixels wide).
    const legBox = (a: Keypoint, b: Keypoint, from: number, to: number): Box => segmentBox(a, b, from, to, Math.max(2, 0.08 * thigh));
    const thighPixels = [
      ...samplePixels(image, legBox(k[KP.left_hip], k[KP.left_knee], 0.3, 0.8), input.maskAt),
      ...samplePixels(image, legBox(k[KP.right_hip], k[KP.right_knee], 0.3, 0.8), input.maskAt),
    ];
    thighColour = meanColour(thighPixels);
    let y2 = ky + rules.shortBelowKnee * thigh;
    const ankles = ok(KP.left_ankle) && ok(KP.right_ankle);
    if (ankles && thighColour) {
      const shinPixels = [
        ...samplePixels(image, legBox(k[KP.left_knee], k[KP.left_ankle], 0.3, 0.7), input.maskAt),
        ...samplePixels(image, legBox(k[KP.right_knee], k[KP.right_ankle], 0.3, 0.7), input.maskAt),
      ];
      const shinColour = meanColour(shinPixels);
      if (shinColour && deltaE(thighColour, shinColour) < rules.sameColour) {
        const [, ay] = mid(k[KP.left_ankle], k[KP.right_ankle]);
        y2 = ay + rules.longBelowAnkle * Math.max(1, ay - ky);
      }
    }
    const legXs = [KP.left_hip, KP.right_hip, KP.left_knee, KP.right_knee, KP.left_ankle, KP.right_ankle].filter(ok).map((i) => k[i][0]);
    const side = rules.bottomSide * unit;
    const cols = maskColumns(input, y1, Math.min(y2, ky), Math.max(xMin, Math.min(...legXs) - side), Math.min(xMax, Math.max(...legXs) + side), rules);
    if (cols) bottom = clampBox(cols[0], y1, cols[1], y2, w, h);
  }

  if (top && bottom && rules.dressColour > 0 && topColour && thighColour && deltaE(topColour, thighColour) < rules.dressColour) {
    const dress = clampBox(Math.min(top[0], bottom[0]), top[1], Math.max(top[0] + top[2], bottom[0] + bottom[2]), bottom[1] + bottom[3], w, h);
    if (dress) out.push({ category: 'dress', box: dress, score: score(KP.left_shoulder, KP.right_shoulder, KP.left_knee, KP.right_knee) });
  } else {
    if (top) out.push({ category: 'top', box: top, score: score(KP.left_shoulder, KP.right_shoulder, KP.left_hip, KP.right_hip) });
    if (bottom) out.push({ category: 'bottom', box: bottom, score: score(KP.left_hip, KP.right_hip, KP.left_knee, KP.right_knee) });
  }

  const feet = [KP.left_ankle, KP.right_ankle].filter(ok);
  if (feet.length > 0) {
    // Shin length from whichever leg has both knee and ankle; else a fraction of the torso.
    const shins = [[KP.left_knee, KP.left_ankle], [KP.right_knee, KP.right_ankle]]
      .filter(([a, b]) => ok(a) && ok(b))
      .map(([a, b]) => Math.hypot(k[b][0] - k[a][0], k[b][1] - k[a][1]));
    const shin = shins.length > 0 ? Math.max(...shins) : 0.9 * torso;
    if (shin > 0) {
      const xs = feet.map((i) => k[i][0]);
      const ys = feet.map((i) => k[i][1]);
      const box = clampBox(
        Math.min(...xs) - rules.shoeSide * shin, Math.min(...ys) - rules.shoeAbove * shin,
        Math.max(...xs) + rules.shoeSide * shin, Math.max(...ys) + rules.shoeBelow * shin, w, h,
      );
      if (box) out.push({ category: 'shoes', box, score: score(...feet) });
    }
  }

  const bags = input.detections.filter((d) => rules.bagClasses.includes(d.label) && d.score >= rules.minBagScore);
  if (bags.length > 0) {
    const best = bags[0];
    out.push({ category: 'bag', box: best.box, score: best.score });
  }

  const eyes = [KP.left_eye, KP.right_eye].filter(ok);
  if (eyes.length > 0 && shoulders) {
    const ex = eyes.map((i) => k[i][0]);
    const ey = eyes.reduce((s, i) => s + k[i][1], 0) / eyes.length;
    const [, sy] = mid(k[KP.left_shoulder], k[KP.right_shoulder]);
    const neck = Math.max(1, sy - ey);
    const cx = ex.reduce((a, b) => a + b, 0) / ex.length;
    const half = 0.35 * neck;
    const topRow = maskTop(input, cx - half, cx + half, ey, rules);
    if (topRow !== null && ey - topRow > rules.hatAbove * neck) {
      const cols = maskColumns(input, topRow, ey - 0.3 * neck, xMin, xMax, rules);
      if (cols) {
        const box = clampBox(cols[0], topRow, cols[1], ey, w, h);
        if (box) out.push({ category: 'hat', box, score: score(...eyes) * 0.5 });
      }
    }
  }
  return out;
}
