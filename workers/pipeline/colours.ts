/**
 * Dominant colours of a garment: k-means in RGB over the garment's person-mask pixels, each cluster named
 * by the nearest swatch or shade of a fixed palette (common/colour-names.ts; distance in CIE Lab), clusters with
 * the same name merged.
 */
import { mergeNamed, toLab, type NamingOptions } from '../../common/colour-names';
import { HISTOGRAM_BINS, HISTOGRAM_SIZE } from '../../common/constants';
import type { Box, GarmentColour, RgbaImage } from '../../common/types';

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
export function dominantColours(pixels: number[][], naming: NamingOptions = {}): GarmentColour[] {
  const clusters = kmeans(pixels, COLOUR_RULES.clusters, COLOUR_RULES.iterations);
  return mergeNamed(clusters.map(({ centre, count }) => ({ rgb: centre, fraction: count / pixels.length })), naming).filter(
    (c) => c.fraction >= COLOUR_RULES.minFraction,
  );
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

/** The histogram's size, defined with the other shared sizes (packs carry histograms too). */
export { HISTOGRAM_BINS, HISTOGRAM_SIZE };

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
  return coloursOf(samplePixels(image, box, keep));
}

const coloursOf = (pixels: number[][]) => ({ colours: dominantColours(pixels), histogram: colourHistogram(pixels) });

/** How a single-garment photo's background is told from the garment (productColours). */
export const PRODUCT_BACKGROUND = {
  /** Width of the photo's border taken as background, as a share of its shorter side. */
  border: 0.04,
  /** A border colour (k-means cluster) covering at least this share of the border is a background colour. */
  minShare: 0.1,
  /** A pixel within this CIE76 delta E of a background colour is background. */
  deltaE: 12,
  /** Below this share of the photo left as garment, the whole photo is measured (a close-up that fills its border). */
  minGarment: 0.05,
} as const;

/**
 * The colours and histogram of a single-garment photo (a shop's product picture, laid flat or on a plain
 * background): the photo's border gives the background colours (up to 3 k-means clusters of its pixels), and
 * the pixels unlike all of them are the garment. With the background in, a white shirt and a black one on the
 * same white backdrop would look alike; the app's own garments are measured on the detector's cells of the
 * garment, which this stands in for where there is no person. The whole photo where the garment fills the border.
 */
export function productColours(image: RgbaImage): { colours: GarmentColour[]; histogram: number[] } {
  const { width: w, height: h } = image;
  const full: Box = [0, 0, w, h];
  const m = Math.max(1, Math.round(Math.min(w, h) * PRODUCT_BACKGROUND.border));
  const border = [...samplePixels(image, [0, 0, w, m]), ...samplePixels(image, [0, h - m, w, m]), ...samplePixels(image, [0, 0, m, h]), ...samplePixels(image, [w - m, 0, m, h])];
  const background = kmeans(border, COLOUR_RULES.clusters, COLOUR_RULES.iterations)
    .filter((c) => c.count >= border.length * PRODUCT_BACKGROUND.minShare)
    .map((c) => toLab(c.centre));
  const garment = (x: number, y: number) => {
    const i = (y * w + x) * 4;
    const [l, a, b] = toLab([image.data[i], image.data[i + 1], image.data[i + 2]]);
    return background.every((c) => Math.hypot(c[0] - l, c[1] - a, c[2] - b) > PRODUCT_BACKGROUND.deltaE);
  };
  const all = samplePixels(image, full);
  const kept = samplePixels(image, full, garment);
  return coloursOf(kept.length >= all.length * PRODUCT_BACKGROUND.minGarment ? kept : all);
}
