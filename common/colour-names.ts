/**
 * Colour names: the fixed palette people filter by, and how a colour gets its name. Plain functions with no
 * DOM or tfjs, shared by the analysis (workers/pipeline/colours.ts), the outfit scorer's inputs and the database
 * migration that renames stored colours (common/db-open.ts).
 */
import type { GarmentColour } from './types';

/**
 * The fixed named palette (sRGB 0..255). Names are what people filter by. `rgb` is the name's swatch; a colour is
 * named by the nearest of its swatch and its `shades` (the light, dark and muted forms of the same name), so that a
 * light blue shirt is blue rather than grey and a burgundy coat in shadow is burgundy rather than black.
 */
export const PALETTE: readonly { name: string; rgb: [number, number, number]; shades: [number, number, number][] }[] = [
  { name: 'black', rgb: [20, 20, 20], shades: [[50, 50, 50]] },
  { name: 'white', rgb: [245, 245, 245], shades: [[236, 232, 222], [225, 230, 240]] },
  { name: 'grey', rgb: [128, 128, 128], shades: [] },
  { name: 'beige', rgb: [222, 203, 164], shades: [[195, 176, 145], [210, 180, 140]] },
  { name: 'brown', rgb: [120, 75, 40], shades: [[70, 45, 30], [150, 100, 70]] },
  { name: 'red', rgb: [200, 30, 35], shades: [[150, 20, 25], [225, 70, 60]] },
  { name: 'pink', rgb: [240, 150, 180], shades: [[250, 205, 215], [200, 140, 140], [230, 60, 140]] },
  { name: 'orange', rgb: [240, 130, 30], shades: [[190, 90, 30]] },
  { name: 'yellow', rgb: [240, 215, 50], shades: [[245, 230, 140], [210, 170, 40]] },
  { name: 'green', rgb: [50, 140, 60], shades: [[150, 200, 130], [30, 70, 40]] },
  { name: 'olive', rgb: [110, 110, 40], shades: [] },
  { name: 'teal', rgb: [0, 128, 128], shades: [[20, 95, 120], [60, 190, 180]] },
  { name: 'blue', rgb: [50, 100, 210], shades: [[140, 180, 225], [80, 110, 150]] },
  { name: 'navy', rgb: [25, 35, 80], shades: [[20, 25, 50]] },
  { name: 'purple', rgb: [120, 50, 150], shades: [[60, 30, 70], [150, 100, 140]] },
  { name: 'burgundy', rgb: [110, 20, 40], shades: [[90, 25, 40], [55, 12, 22]] },
];

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

/** Every swatch and shade in Lab, with its name; and the swatches alone. */
const NAMED_LAB = PALETTE.flatMap((p) => [p.rgb, ...p.shades].map((rgb) => ({ name: p.name, lab: toLab(rgb) })));
const SWATCHES_LAB = PALETTE.map((p) => ({ name: p.name, lab: toLab(p.rgb) }));

export interface NamingOptions {
  /** Name by the swatches alone, as Mirror did before 2026-12-04 (for comparisons: training/colours/score-names.ts). */
  swatchesOnly?: boolean;
}

/** The palette name of the nearest swatch or shade (CIE76 distance in Lab). */
export function nearestColourName(rgb: readonly number[], { swatchesOnly = false }: NamingOptions = {}): string {
  const lab = toLab(rgb);
  const named = swatchesOnly ? SWATCHES_LAB : NAMED_LAB;
  let best = named[0].name;
  let bestD = Infinity;
  for (const p of named) {
    const d = (p.lab[0] - lab[0]) ** 2 + (p.lab[1] - lab[1]) ** 2 + (p.lab[2] - lab[2]) ** 2;
    if (d < bestD) [best, bestD] = [p.name, d];
  }
  return best;
}

/**
 * Named colours from parts of a garment (k-means clusters, or colours stored under an older palette): each part
 * named by nearestColourName, parts of one name merged (fractions summed, rgb their fraction-weighted mean),
 * largest first.
 */
export function mergeNamed(parts: readonly { rgb: readonly number[]; fraction: number }[], naming: NamingOptions = {}): GarmentColour[] {
  const byName = new Map<string, { sum: number[]; fraction: number }>();
  for (const { rgb, fraction } of parts) {
    const name = nearestColourName(rgb, naming);
    const entry = byName.get(name) ?? { sum: [0, 0, 0], fraction: 0 };
    entry.sum = entry.sum.map((v, i) => v + rgb[i] * fraction);
    entry.fraction += fraction;
    byName.set(name, entry);
  }
  return [...byName.entries()]
    .filter(([, { fraction }]) => fraction > 0)
    .map(([name, { sum, fraction }]) => ({ name, rgb: sum.map((v) => Math.round(v / fraction)) as [number, number, number], fraction }))
    .sort((a, b) => b.fraction - a.fraction);
}

/** Colours stored under an older palette, named again: the database migration of 2026-12-04 (common/db-open.ts). */
export function renameColours(colours: readonly GarmentColour[] | undefined): GarmentColour[] {
  return Array.isArray(colours) ? mergeNamed(colours.filter((c) => Array.isArray(c?.rgb) && c.rgb.length === 3 && c.fraction > 0)) : [];
}
