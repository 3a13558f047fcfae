/**
 * How alike the app finds one garment photographed twice, against two different garments: the measurement behind
 * the wardrobe's "same piece" threshold (src/features/wardrobe/grouping.ts) and the corrections the app repeats
 * (src/features/photo/learned.ts).
 *
 *   npx tsx scripts/reshot.ts --data ../shared/data/ccp [--split val] [--count 100] [--outfits 25]
 *
 * No data set here holds the same garment in several photos, so each photo of the split is analysed as it is and as
 * a simulated second shot of the same outfit (mirrored, reframed: cropped to 88 % at an offset and scaled to 90 %,
 * 12 % brighter with a warm cast, every step a resampling). A garment of the photo and one of its second shot whose
 * boxes overlap (IoU >= 0.5 after the mirror) are one garment twice; two garments of different photos are two
 * garments (CCP's photos are of different people). Prints, for a range of thresholds, the share of each kind whose
 * likeness (grouping.ts) reaches it: over same-category pairs (what the wardrobe groups) and over every pair.
 * The second shot is kinder than a real one (same pose, same background), so the share of repeats found is an
 * upper bound; the share of different garments is what it is.
 */
import { parseArgs } from 'node:util';
import { iou } from '../common/boxes';
import type { Box, DetectedGarment, RgbaImage } from '../common/types';
import { createAnalyzer } from '../workers/pipeline';
import { nodeBackend, nodeModels } from '../workers/node/runtime';
import { ccpPhotoPath, readCcp } from '../cli/datasets';
import { readImage } from '../cli/image';
import { GROUPING, groupGarments, likeness, type GroupableGarment } from '../src/features/wardrobe/grouping';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/ccp' },
    split: { type: 'string', default: 'val' },
    count: { type: 'string', default: '100' },
    outfits: { type: 'string', default: '25' },
  },
});

/** Bilinear sample of `img` at (x, y), clamped to the edges. */
function sample(img: RgbaImage, x: number, y: number, out: number[]): void {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(y)));
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  for (let c = 0; c < 3; c++) {
    const p = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 4 + c];
    out[c] = (p(x0, y0) * (1 - fx) + p(x1, y0) * fx) * (1 - fy) + (p(x0, y1) * (1 - fx) + p(x1, y1) * fx) * fy;
  }
}

/** The second shot: a crop of 88 % of the photo offset by 6 % right and 4 % down, mirrored, scaled to 90 % of the crop, brighter and warmer. */
const SHOT = { share: 0.88, dx: 0.06, dy: 0.04, scale: 0.9, gain: [1.16, 1.12, 1.04] } as const;

function secondShot(img: RgbaImage): { image: RgbaImage; toShot: (b: Box) => Box } {
  const cw = img.width * SHOT.share;
  const ch = img.height * SHOT.share;
  const cx = img.width * SHOT.dx;
  const cy = img.height * SHOT.dy;
  const width = Math.round(cw * SHOT.scale);
  const height = Math.round(ch * SHOT.scale);
  const data = new Uint8ClampedArray(width * height * 4);
  const px = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Mirrored: column x of the shot shows column (width - 1 - x) of the crop.
      sample(img, cx + ((width - 1 - x) + 0.5) / SHOT.scale - 0.5, cy + (y + 0.5) / SHOT.scale - 0.5, px);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[o + c] = px[c] * SHOT.gain[c];
      data[o + 3] = 255;
    }
  }
  const toShot = ([x, y, w, h]: Box): Box => {
    const sx = (x - cx) * SHOT.scale;
    const sy = (y - cy) * SHOT.scale;
    const sw = w * SHOT.scale;
    return [width - sx - sw, sy, sw, h * SHOT.scale];
  };
  return { image: { width, height, data }, toShot };
}

interface Seen extends GroupableGarment {
  /** The CCP photo whose outfit this garment is (its own or its second shot's). */
  outfit: string;
  box: Box;
  /** garment-net's item vector (L2-normalised). */
  vector: Float32Array;
}

const seen = (g: DetectedGarment, id: string, outfit: string, shot: boolean): Seen => ({
  id, lookId: shot ? `${outfit}:shot` : outfit, outfit, box: g.box, category: g.category, histogram: g.histogram, vector: g.embedding, wornAt: shot ? 1 : 0,
});

const ann = await readCcp(values.data!);
const photos = ann.photos.filter((p) => p.split === values.split).sort((a, b) => a.id.localeCompare(b.id)).slice(0, Number(values.count));
await nodeBackend('wasm');
const analyzer = createAnalyzer(await nodeModels());
const firsts: Seen[] = [];
const seconds: Seen[] = [];
/** Pairs of one garment seen in both shots (boxes matched after the mirror), given one category both times. */
const repeats: [Seen, Seen][] = [];
for (const [i, p] of photos.entries()) {
  const image = await readImage(ccpPhotoPath(values.data!, p.id));
  const first = (await analyzer.analyze(image)).garments.map((g, j) => seen(g, `${p.id}:${j}`, p.id, false));
  const { image: shotImage, toShot } = secondShot(image);
  const second = (await analyzer.analyze(shotImage)).garments.map((g, k) => seen(g, `${p.id}:shot:${k}`, p.id, true));
  for (const a of first) {
    let best: Seen | undefined;
    let bestIou = 0.5;
    for (const b of second) {
      const o = iou(toShot(a.box), b.box);
      if (o >= bestIou) [best, bestIou] = [b, o];
    }
    if (best && best.category === a.category) repeats.push([a, best]);
  }
  firsts.push(...first);
  seconds.push(...second);
  if ((i + 1) % 20 === 0) process.stderr.write(`${i + 1}/${photos.length}\n`);
}

// Pairs of two garments: same category, different photos (CCP's photos are of different people).
const different: [Seen, Seen][] = [];
for (let i = 0; i < firsts.length; i++)
  for (let j = i + 1; j < firsts.length; j++)
    if (firsts[i].outfit !== firsts[j].outfit && firsts[i].category === firsts[j].category) different.push([firsts[i], firsts[j]]);

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const share = (pairs: [Seen, Seen][], f: (a: Seen, b: Seen) => number, t: number) => pairs.filter(([a, b]) => f(a, b) >= t).length / Math.max(1, pairs.length);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const embedding = (a: Seen, b: Seen) => a.vector.reduce((sum, x, i) => sum + x * b.vector[i], 0);

console.log(`${photos.length} photos of ${values.split}: ${firsts.length} garments, ${seconds.length} in the second shots`);
console.log(`one garment twice: ${repeats.length} pairs (boxes IoU >= 0.5 after the mirror, one category both times)`);
console.log(`two garments (one category, different photos): ${different.length} pairs`);
for (const [name, f] of [['likeness (colour histograms)', likeness], ['garment-net cosine', embedding]] as const) {
  console.log(`\n${name}: median ${median(repeats.map(([a, b]) => f(a, b))).toFixed(3)} for one garment twice, ${median(different.map(([a, b]) => f(a, b))).toFixed(3)} for two garments`);
  console.log('| at least | one garment twice | two garments |\n|---|---|---|');
  for (const t of [0.8, 0.85, 0.9, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99]) console.log(`| ${t} | ${pct(share(repeats, f, t))} | ${pct(share(different, f, t))} |`);
}

// The wardrobe itself: every garment of both shots grouped (first shots first), at each threshold; over all the
// photos, and over draws of a person-sized wardrobe (`--outfits` photos, twice each: 25 photos hold about 90 garments).
const byId = new Map([...firsts, ...seconds].map((g) => [g.id, g]));
function grouping(outfits: Set<string>, t: number): { pieces: number; grouped: number; repeats: number; wrong: number; garments: number } {
  const all = [...firsts, ...seconds].filter((g) => outfits.has(g.outfit));
  const pairs = repeats.filter(([a]) => outfits.has(a.outfit));
  const { pieces } = groupGarments(all, [], new Map(), t);
  const pieceOf = new Map<string, number>();
  pieces.forEach((p, i) => p.garmentIds.forEach((id) => pieceOf.set(id, i)));
  const grouped = pairs.filter(([a, b]) => pieceOf.get(a.id) === pieceOf.get(b.id)).length;
  // In each piece, the garments of the outfit it holds most of are right; every other garment is wrongly there.
  let wrong = 0;
  for (const p of pieces) {
    const counts = new Map<string, number>();
    for (const id of p.garmentIds) counts.set(byId.get(id)!.outfit, (counts.get(byId.get(id)!.outfit) ?? 0) + 1);
    wrong += p.garmentIds.length - Math.max(...counts.values());
  }
  return { pieces: pieces.length, grouped, repeats: pairs.length, wrong, garments: all.length };
}
const size = Math.min(Number(values.outfits), photos.length);
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const draws = Array.from({ length: 20 }, () => new Set([...photos.map((p) => p.id)].sort(() => random() - 0.5).slice(0, size)));
const f1 = (v: number) => v.toFixed(1);
console.log(`\nGrouping both shots (groupGarments): of the garments shot twice, how many share a piece; how many garments sit in a piece with another outfit's; the fixes left to the person (a merge for each garment shot twice and not grouped, a split for each wrongly joined)`);
console.log(`| threshold | all ${photos.length} photos: shot twice, grouped | wrongly joined | fixes | ${size} photos (mean of 20 draws): grouped | wrongly joined | fixes |\n|---|---|---|---|---|---|---|`);
for (const t of [0.9, 0.93, 0.95, 0.96, 0.965, 0.97, 0.975, 0.98, 0.985, 0.99]) {
  const whole = grouping(new Set(photos.map((p) => p.id)), t);
  const parts = draws.map((d) => grouping(d, t));
  const mean = (f: (r: ReturnType<typeof grouping>) => number) => parts.reduce((sum, r) => sum + f(r), 0) / parts.length;
  const mark = t === GROUPING.threshold ? ' (shipped)' : '';
  console.log(
    `| ${t}${mark} | ${whole.grouped} of ${whole.repeats} | ${whole.wrong} of ${whole.garments} | ${whole.repeats - whole.grouped + whole.wrong} | ` +
      `${f1(mean((r) => r.grouped))} of ${f1(mean((r) => r.repeats))} | ${f1(mean((r) => r.wrong))} of ${f1(mean((r) => r.garments))} | ${f1(mean((r) => r.repeats - r.grouped + r.wrong))} |`,
  );
}
