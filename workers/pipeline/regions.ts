/**
 * Garments and people from the garment detector's class map (workers/models/garment-detector).
 *
 * Garments: for each garment category, the 8-connected components of its cells (where it is the most likely
 * class, or where its probability reaches the category's `min_prob`); components smaller than the category's
 * `min_cells` or with a mean probability below its `min_score` are dropped (thresholds tuned with the weights, in the model's metadata); components whose
 * boxes, each grown by `merge_grow` of its size, overlap become one garment (a pair of shoes, a top split by
 * a bag strap). Where a cell's probability decides (`min_prob`), one patch of the photo can be claimed by two
 * categories (a skirt as a bottom, a dress and an outerwear); a garment at least SHARED_CELLS of whose cells another
 * category's garment claims, with a smaller share of its cells where its own category is the most likely class, is
 * that garment seen twice and is dropped (dropDoubles). A pair of shoes is one garment: the shoe parts left apart (feet
 * wide apart) become one where they lie on one person (joinPairs); so do the two fronts of an open jacket or coat, the
 * top seen between them. training/garments/detector.py category_parts() /
 * regions() are the same steps, and its val figures are measured through them.
 * People: the components of every non-background cell, largest first (the main person is the first).
 */
import { CATEGORIES, type Category } from '../../common/categories';
import type { Box } from '../../common/types';
import type { ClassMap, PostProcessing } from '../models/garment-detector';

export interface GarmentRegion {
  category: Category;
  /** [x, y, w, h] in photo pixels. */
  box: Box;
  /** Mean probability of the category over the garment's cells (0..1). */
  score: number;
  /** Share of the photo its cells cover (0..1; cells are coarse, so on CCP about 1.25 times the garment's own pixels). */
  cover: number;
  /** True where photo pixel (x, y) is one of this garment's cells. */
  contains(x: number, y: number): boolean;
}

interface Component {
  /** Cell indices (row * width + col). */
  cells: number[];
  /** [col1, row1, col2, row2], inclusive-exclusive, in cells. */
  bounds: [number, number, number, number];
  mass: number;
}

/** Most likely class per cell. */
export function argmaxMap(map: ClassMap): Uint8Array {
  const n = map.width * map.height;
  const k = map.classes.length;
  const best = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let c = 1; c < k; c++) if (map.probs[i * k + c] > map.probs[i * k + b]) b = c;
    best[i] = b;
  }
  return best;
}

/** 8-connected components of the cells where `on` holds, with each component's probability mass of class `cls`. */
export function components(width: number, height: number, on: (i: number) => boolean, prob: (i: number) => number): Component[] {
  const seen = new Uint8Array(width * height);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || !on(start)) continue;
    seen[start] = 1;
    stack.push(start);
    const cells: number[] = [];
    let [c1, r1, c2, r2] = [width, height, 0, 0];
    let mass = 0;
    while (stack.length) {
      const i = stack.pop()!;
      cells.push(i);
      mass += prob(i);
      const r = Math.floor(i / width);
      const c = i - r * width;
      c1 = Math.min(c1, c); r1 = Math.min(r1, r); c2 = Math.max(c2, c + 1); r2 = Math.max(r2, r + 1);
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= height || cc >= width) continue;
          const j = rr * width + cc;
          if (!seen[j] && on(j)) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    out.push({ cells, bounds: [c1, r1, c2, r2], mass });
  }
  return out;
}

function touching(a: Component['bounds'], b: Component['bounds'], grow: number): boolean {
  const g = ([x1, y1, x2, y2]: Component['bounds']) => {
    const w = ((x2 - x1) * grow) / 2;
    const h = ((y2 - y1) * grow) / 2;
    return [x1 - w, y1 - h, x2 + w, y2 + h];
  };
  const [ax1, ay1, ax2, ay2] = g(a);
  const [bx1, by1, bx2, by2] = g(b);
  return ax1 < bx2 && bx1 < ax2 && ay1 < by2 && by1 < ay2;
}

/** `part`'s cells, mass and box added to `into`. */
function absorb(into: Component, part: Component): void {
  into.bounds = [Math.min(into.bounds[0], part.bounds[0]), Math.min(into.bounds[1], part.bounds[1]), Math.max(into.bounds[2], part.bounds[2]), Math.max(into.bounds[3], part.bounds[3])];
  into.cells.push(...part.cells);
  into.mass += part.mass;
}

/** Merges components whose grown boxes overlap, repeatedly, in order (detector.py regions() does the same). */
function merge(parts: Component[], grow: number): Component[] {
  const kept = parts.map((p) => ({ ...p, cells: [...p.cells], bounds: [...p.bounds] as Component['bounds'] }));
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let a = 0; a < kept.length; a++) {
      for (let b = a + 1; b < kept.length; b++) {
        if (!touching(kept[a].bounds, kept[b].bounds, grow)) continue;
        absorb(kept[a], kept[b]);
        kept.splice(b, 1);
        merged = true;
        break outer;
      }
    }
  }
  return kept;
}

/** Cell bounds -> photo box, and photo pixel -> cell index (or -1 outside the map). */
function geometry(map: ClassMap) {
  const { offsetX, offsetY, scale } = map.letterbox;
  const s = map.stride;
  const toBox = ([c1, r1, c2, r2]: Component['bounds']): Box => [
    (c1 * s - offsetX) / scale, (r1 * s - offsetY) / scale, ((c2 - c1) * s) / scale, ((r2 - r1) * s) / scale,
  ];
  const cellAt = (x: number, y: number): number => {
    const c = Math.floor((x * scale + offsetX) / s);
    const r = Math.floor((y * scale + offsetY) / s);
    return c >= 0 && r >= 0 && c < map.width && r < map.height ? r * map.width + c : -1;
  };
  // The photo's area in cells: the letterbox centres it, grey around.
  const photoCells = ((map.width * s - 2 * offsetX) * (map.height * s - 2 * offsetY)) / (s * s);
  return { toBox, cellAt, photoCells };
}

/**
 * A garment at least this share of whose cells a garment of another category also claims is one garment seen twice
 * (tuned on the CCP train photos: docs/garment-models.md "One garment seen as two").
 */
export const SHARED_CELLS = 0.5;

interface Candidate {
  category: Category;
  part: Component;
  cells: Set<number>;
  /** Mean probability of its category over its cells. */
  score: number;
  /** Share of its cells where its category is the most likely class. */
  own: number;
}

/**
 * The garments that are not another one seen twice: in order of `own` (then of mean probability), each is kept unless
 * at least SHARED_CELLS of its cells belong to a garment of another category kept before it.
 */
function dropDoubles(found: readonly Candidate[]): Candidate[] {
  const order = found.map((_, i) => i).sort((a, b) => found[b].own - found[a].own || found[b].score - found[a].score || a - b);
  const kept: number[] = [];
  for (const i of order) {
    const g = found[i];
    const double = kept.some((j) => {
      if (found[j].category === g.category) return false;
      let shared = 0;
      for (const c of g.part.cells) if (found[j].cells.has(c)) shared++;
      return shared >= SHARED_CELLS * g.part.cells.length;
    });
    if (!double) kept.push(i);
  }
  return kept.sort((a, b) => a - b).map((i) => found[i]);
}

/**
 * Categories whose parts on one person are one garment: a pair of shoes (feet apart), an open jacket or coat (its two
 * fronts, the top between them).
 */
export const PAIRED: readonly Category[] = ['outerwear', 'shoes'];

/**
 * Person label per cell: the index of the 8-connected component of non-background cells it lies in, -1 on background
 * (personBoxes' people, unsorted).
 */
function personOfCell(map: ClassMap, best: Uint8Array): Int32Array {
  const bg = map.classes.indexOf('background');
  const label = new Int32Array(map.width * map.height).fill(-1);
  components(map.width, map.height, (i) => best[i] !== bg, () => 0).forEach((p, n) => {
    for (const i of p.cells) label[i] = n;
  });
  return label;
}

/** The parts most of whose cells lie on one person joined into one garment per person (in order of their first part). */
function joinPairs(parts: Component[], person: Int32Array): Component[] {
  const byPerson = new Map<number, Component>();
  const out: Component[] = [];
  for (const p of parts) {
    const votes = new Map<number, number>();
    for (const i of p.cells) if (person[i] >= 0) votes.set(person[i], (votes.get(person[i]) ?? 0) + 1);
    let who = -1;
    for (const [n, v] of votes) if (v * 2 > p.cells.length) who = n;
    const into = who >= 0 ? byPerson.get(who) : undefined;
    if (!into) {
      const copy = { ...p, cells: [...p.cells], bounds: [...p.bounds] as Component['bounds'] };
      if (who >= 0) byPerson.set(who, copy);
      out.push(copy);
      continue;
    }
    absorb(into, p);
  }
  return out;
}

/** The garments of a class map, with the thresholds `post` (the model's own by default). */
export function garmentRegions(map: ClassMap, post: PostProcessing, best = argmaxMap(map)): GarmentRegion[] {
  const { toBox, cellAt, photoCells } = geometry(map);
  const k = map.classes.length;
  const found: Candidate[] = [];
  let person: Int32Array | undefined;
  for (const category of CATEGORIES) {
    const cls = map.classes.indexOf(category);
    const t = post[category];
    if (cls < 0 || typeof t !== 'object') continue;
    const minProb = t.min_prob;
    const on = minProb === null || minProb === undefined ? (i: number) => best[i] === cls : (i: number) => map.probs[i * k + cls] >= minProb;
    const parts = components(map.width, map.height, on, (i) => map.probs[i * k + cls])
      .filter((p) => p.cells.length >= t.min_cells && p.mass / p.cells.length >= t.min_score);
    let garments = merge(parts, post.merge_grow);
    if (PAIRED.includes(category as Category) && garments.length > 1) garments = joinPairs(garments, (person ??= personOfCell(map, best)));
    for (const part of garments) {
      let own = 0;
      for (const i of part.cells) if (best[i] === cls) own++;
      found.push({ category: category as Category, part, cells: new Set(part.cells), score: part.mass / part.cells.length, own: own / part.cells.length });
    }
  }
  return dropDoubles(found).map(({ category, part, cells, score }) => ({
    category,
    box: toBox(part.bounds),
    score,
    cover: Math.min(1, part.cells.length / photoCells),
    contains: (x: number, y: number) => cells.has(cellAt(x, y)),
  }));
}

/** Share of a box's cells that must be of the garment's category for those cells to be its cut-out (boxCutOut). */
export const MIN_CATEGORY_SHARE = 0.1;

/**
 * The cut-out of a garment known only by its box and category (re-embedding, after a new model or a corrected
 * category), as a test on photo pixels: the cells where the category is the most likely class;
 * where fewer than MIN_CATEGORY_SHARE of the box's cells are (the detector saw another garment there), every cell
 * that is not background (the person); where the box has none of those either, undefined (the whole box).
 */
export function boxCutOut(map: ClassMap, category: Category, box: Box, best = argmaxMap(map)): ((x: number, y: number) => boolean) | undefined {
  const { cellAt } = geometry(map);
  const cls = map.classes.indexOf(category);
  const background = map.classes.indexOf('background');
  const step = map.stride / map.letterbox.scale; // photo pixels per cell
  const seen = new Set<number>();
  let own = 0;
  let person = 0;
  for (let y = box[1] + step / 2; y < box[1] + box[3]; y += step) {
    for (let x = box[0] + step / 2; x < box[0] + box[2]; x += step) {
      const i = cellAt(x, y);
      if (i < 0 || seen.has(i)) continue;
      seen.add(i);
      if (best[i] === cls) own++;
      else if (best[i] !== background) person++;
    }
  }
  const test = (keep: (c: number) => boolean) => (x: number, y: number) => {
    const i = cellAt(x, y);
    return i >= 0 && keep(best[i]);
  };
  if (own > 0 && own >= MIN_CATEGORY_SHARE * seen.size) return test((c) => c === cls);
  if (own + person > 0) return test((c) => c !== background);
  return undefined;
}

/** People: components of all non-background cells with at least `minCells` cells, largest first, as photo boxes. */
export function personBoxes(map: ClassMap, best = argmaxMap(map), minCells = 64): { box: Box; score: number }[] {
  const { toBox } = geometry(map);
  const bg = map.classes.indexOf('background');
  const k = map.classes.length;
  return components(map.width, map.height, (i) => best[i] !== bg, (i) => 1 - map.probs[i * k + bg])
    .filter((p) => p.cells.length >= minCells)
    .sort((a, b) => b.cells.length - a.cells.length)
    .map((p) => ({ box: toBox(p.bounds), score: p.mass / p.cells.length }));
}
