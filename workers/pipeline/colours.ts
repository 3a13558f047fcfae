/**
 * Dominant colours of a garment: k-means in RGB over the garment's person-mask pixels, each cluster named
 * by the nearest colour of a fixed palette (distance in CIE Lab), clusters with the same name merged.
 */
import type { GarmentColour, RgbaImage } from '../../common/types';
import type { Box } from '../../common/types';

/** The fixed named palette (sRGB 0..255). Names are what people filter by. */
export const PALETTE: readonly { name: string; rgb: [number, number, number] }[] = [
  { name: 'black', rgb: [20, 20, 20] },
  { name: 'white', rgb: [245, 245, 245] },
  { name: 'grey', rgb: [128, 128, 128] },
  { name: 'beige', rgb: [222, 203, 164] },
  { name: 'brown', rgb: [120, 75, 40] },
  { name: 'red', rgb: [200, 30, 35] },
  { name: 'pink', rgb: [240, 150, 180] },
  { name: 'orange', rgb: [240, 130, 30] },
  { name: 'yellow', rgb: [240, 215, 50] },
  { name: 'green', rgb: [50, 140, 60] },
  { name: 'olive', rgb: [110, 110, 40] },
  { name: 'teal', rgb: [0, 128, 128] },
  { name: 'blue', rgb: [50, 100, 210] },
  { name: 'navy', rgb: [25, 35, 80] },
  { name: 'purple', rgb: [120, 50, 150] },
  { name: 'burgundy', rgb: [110, 20, 40] },
];

export const COLOUR_RULES = {
  /** Clusters (k of k-means). */
  clusters: 3,
  iterations: 8,
  /** At most this many pixels are sampled per garment (evenly). */
  maxSamples: 1500,
  /** Pixels with person probability below this are background (0..1). */
  minMask: 0.5,
  /** Colours covering less than this fraction of the garment are dropped (0..1). */
  minFraction: 0.1,
} as const;

function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** sRGB 0..255 -> CIE Lab (D65). */
export function toLab([r, g, b]: readonly number[]): [number, number, number] {
  const [lr, lg, lb] = [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)];
  const x = (lr * 0.4124 + lg * 0.3576 + lb * 0.1805) / 0.95047;
  const y = lr * 0.2126 + lg * 0.7152 + lb * 0.0722;
  const z = (lr * 0.0193 + lg * 0.1192 + lb * 0.9505) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const PALETTE_LAB = PALETTE.map((p) => toLab(p.rgb));

export function nearestColourName(rgb: readonly number[]): string {
  const lab = toLab(rgb);
  let best = 0;
  let bestD = Infinity;
  PALETTE_LAB.forEach((p, i) => {
    const d = (p[0] - lab[0]) ** 2 + (p[1] - lab[1]) ** 2 + (p[2] - lab[2]) ** 2;
    if (d < bestD) [best, bestD] = [i, d];
  });
  return PALETTE[best].name;
}

/** RGB samples of `box` where `maskAt(x, y) >= minMask` or is true (all pixels when no mask is given). */
export function samplePixels(image: RgbaImage, box: Box, maskAt?: (x: number, y: number) => number | boolean): number[][] {
  const [bx, by, bw, bh] = box;
  const x0 = Math.max(0, Math.floor(bx));
  const y0 = Math.max(0, Math.floor(by));
  const x1 = Math.min(image.width, Math.ceil(bx + bw));
  const y1 = Math.min(image.height, Math.ceil(by + bh));
  const area = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const step = Math.max(1, Math.floor(Math.sqrt(area / COLOUR_RULES.maxSamples)));
  const out: number[][] = [];
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      if (maskAt && Number(maskAt(x, y)) < COLOUR_RULES.minMask) continue;
      const i = (y * image.width + x) * 4;
      out.push([image.data[i], image.data[i + 1], image.data[i + 2]]);
    }
  }
  return out;
}

/** k-means with deterministic seeding (farthest-point from the mean), so results are reproducible. */
export function kmeans(points: number[][], k: number, iterations: number): { centre: number[]; count: number }[] {
  if (points.length === 0) return [];
  const centres: number[][] = [points[0].slice()];
  while (centres.length < Math.min(k, points.length)) {
    let far = 0;
    let farD = -1;
    points.forEach((p, i) => {
      const d = Math.min(...centres.map((c) => (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2 + (c[2] - p[2]) ** 2));
      if (d > farD) [far, farD] = [i, d];
    });
    if (farD <= 0) break;
    centres.push(points[far].slice());
  }
  const assign = new Int32Array(points.length);
  for (let it = 0; it < iterations; it++) {
    points.forEach((p, i) => {
      let best = 0;
      let bestD = Infinity;
      centres.forEach((c, j) => {
        const d = (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2 + (c[2] - p[2]) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      });
      assign[i] = best;
    });
    const sums = centres.map(() => [0, 0, 0, 0]);
    points.forEach((p, i) => {
      const s = sums[assign[i]];
      s[0] += p[0];
      s[1] += p[1];
      s[2] += p[2];
      s[3] += 1;
    });
    sums.forEach((s, j) => {
      if (s[3] > 0) centres[j] = [s[0] / s[3], s[1] / s[3], s[2] / s[3]];
    });
  }
  const counts = centres.map(() => 0);
  assign.forEach((a) => counts[a]++);
  return centres.map((centre, j) => ({ centre, count: counts[j] })).filter((c) => c.count > 0);
}

/** Named dominant colours of the pixels, largest first, fractions summing to <= 1. */
export function dominantColours(pixels: number[][]): GarmentColour[] {
  const clusters = kmeans(pixels, COLOUR_RULES.clusters, COLOUR_RULES.iterations);
  const total = pixels.length;
  const byName = new Map<string, { sum: number[]; count: number }>();
  for (const { centre, count } of clusters) {
    const name = nearestColourName(centre);
    const entry = byName.get(name) ?? { sum: [0, 0, 0], count: 0 };
    entry.sum = entry.sum.map((s, i) => s + centre[i] * count);
    entry.count += count;
    byName.set(name, entry);
  }
  return [...byName.entries()]
    .map(([name, { sum, count }]) => ({
      name,
      rgb: sum.map((s) => Math.round(s / count)) as [number, number, number],
      fraction: count / total,
    }))
    .filter((c) => c.fraction >= COLOUR_RULES.minFraction)
    .sort((a, b) => b.fraction - a.fraction);
}

/** Mean RGB of the pixels (or null when there are none). */
export function meanColour(pixels: number[][]): number[] | null {
  if (pixels.length === 0) return null;
  const s = [0, 0, 0];
  for (const p of pixels) for (let i = 0; i < 3; i++) s[i] += p[i];
  return s.map((v) => v / pixels.length);
}

/** Colour difference (CIE76 delta E). */
export function deltaE(a: readonly number[], b: readonly number[]): number {
  const [la, lb] = [toLab(a), toLab(b)];
  return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

/** Bins per sRGB channel of a colour histogram (4 x 4 x 4 = 64 bins of 64 levels each). */
export const HISTOGRAM_BINS = 4;
export const HISTOGRAM_SIZE = HISTOGRAM_BINS ** 3;

/**
 * The share (0..1, summing to 1) of the pixels in each bin of a coarse sRGB grid, red-major
 * (bin = r * 16 + g * 4 + b, each channel cut into 4 equal ranges). All zeros when there are no pixels.
 * A finer description of a garment's colours than its few named ones: what the outfit scorer compares.
 */
export function colourHistogram(pixels: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(HISTOGRAM_SIZE).fill(0);
  if (pixels.length === 0) return out;
  const q = (v: number) => Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((v * HISTOGRAM_BINS) / 256)));
  for (const [r, g, b] of pixels) out[(q(r) * HISTOGRAM_BINS + q(g)) * HISTOGRAM_BINS + q(b)] += 1;
  return out.map((c) => c / pixels.length);
}

/**
 * What the app stores about a garment's colours: its named dominant colours and its colour histogram, both
 * from the same sampled pixels of `box` that `keep` accepts (all of the box without it).
 */
export function garmentColours(image: RgbaImage, box: Box, keep?: (x: number, y: number) => boolean): { colours: GarmentColour[]; histogram: number[] } {
  const pixels = samplePixels(image, box, keep);
  return { colours: dominantColours(pixels), histogram: colourHistogram(pixels) };
}
