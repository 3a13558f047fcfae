/**
 * Which outfits can be built from the person's own garments: one garment per category slot, in sensible
 * combinations, one garment per wardrobe piece, leaving out what was worn recently. Pure and DOM-free
 * (no tfjs): the scorer worker scores what this module proposes; unit-tested in Node.
 */
import type { Category } from '../../common/categories';
import { rng } from '../../common/random';

/** An outfit shape: every required slot filled, each optional slot filled or left empty. */
export interface Template {
  name: string;
  required: readonly Category[];
  optional: readonly Category[];
}

/** top + bottom + shoes (+ outerwear) (+ bag), or dress + shoes (+ outerwear) (+ bag). */
export const TEMPLATES: readonly Template[] = [
  { name: 'separates', required: ['top', 'bottom', 'shoes'], optional: ['outerwear', 'bag'] },
  { name: 'dress', required: ['dress', 'shoes'], optional: ['outerwear', 'bag'] },
];

/** Categories no template has a slot for; such a garment joins an outfit only as the one it completes. */
const EXTRA: readonly Category[] = ['hat', 'accessory'];

/** A garment as the combination logic sees it. */
export interface WardrobeGarment {
  id: string;
  lookId: string;
  category: Category;
  /** The wardrobe piece it belongs to (src/features/wardrobe), if grouped. */
  pieceId?: string;
  /** When this garment (its piece, if any) was last worn, ms since epoch. */
  lastWorn: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One garment per wardrobe piece (the one seen in the most recent look), plus every garment in no piece:
 * the same shirt seen in five looks is one choice, not five near-identical suggestions.
 */
export function representatives<T extends WardrobeGarment>(garments: readonly T[], wornAt: (g: T) => number): T[] {
  const best = new Map<string, T>();
  const out: T[] = [];
  for (const g of garments) {
    if (!g.pieceId) {
      out.push(g);
      continue;
    }
    const seen = best.get(g.pieceId);
    if (!seen || wornAt(g) > wornAt(seen) || (wornAt(g) === wornAt(seen) && g.id < seen.id)) best.set(g.pieceId, g);
  }
  return [...out, ...best.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface CandidateOptions {
  /** Index (into garments) of the garment every outfit must contain ("complete the look"). */
  anchor?: number;
  /** Garments of these looks are left out (the anchor's own look: the photo itself is not a suggestion). */
  excludeLooks?: ReadonlySet<string>;
  /** Garments left out for another reason (worn recently). The anchor is never left out. */
  exclude?: ReadonlySet<number>;
  /** At most this many candidates; beyond it, a seeded random sample of the combinations. */
  limit: number;
  seed?: number;
}

/**
 * Candidate outfits as index lists into `garments`, slot order (required slots, then optional ones, then
 * an extra anchor). Enumerates every combination when they fit in `limit`, else samples `limit` distinct
 * ones (seeded, so the same wardrobe gives the same candidates), split across templates by their sizes.
 */
export function candidateOutfits(garments: readonly Pick<WardrobeGarment, 'lookId' | 'category'>[], opts: CandidateOptions): number[][] {
  const anchor = opts.anchor;
  const anchorCategory = anchor === undefined ? undefined : garments[anchor]?.category;
  if (anchor !== undefined && anchorCategory === undefined) throw new Error(`anchor ${anchor} is not a garment`);
  const usable = (i: number): boolean =>
    i !== anchor && !opts.exclude?.has(i) && !opts.excludeLooks?.has(garments[i].lookId);
  const byCategory = new Map<Category, number[]>();
  garments.forEach((g, i) => {
    if (!usable(i)) return;
    const list = byCategory.get(g.category) ?? [];
    list.push(i);
    byCategory.set(g.category, list);
  });

  // Per template, the choices of each slot (-1 = slot left empty).
  const plans: number[][][] = [];
  for (const t of TEMPLATES) {
    const extra = anchorCategory !== undefined && EXTRA.includes(anchorCategory);
    if (anchorCategory !== undefined && !extra && !t.required.includes(anchorCategory) && !t.optional.includes(anchorCategory)) continue;
    const slots: number[][] = [];
    for (const c of t.required) slots.push(c === anchorCategory ? [anchor!] : byCategory.get(c) ?? []);
    for (const c of t.optional) slots.push(c === anchorCategory ? [anchor!] : [-1, ...(byCategory.get(c) ?? [])]);
    if (extra) slots.push([anchor!]);
    if (slots.some((s) => s.length === 0)) continue;
    plans.push(slots);
  }
  const sizes = plans.map((slots) => slots.reduce((n, s) => n * s.length, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const r = rng(opts.seed ?? 1);
  const out: number[][] = [];
  plans.forEach((slots, p) => {
    const pick = (digits: number[]): number[] => digits.map((d, k) => slots[k][d]).filter((i) => i >= 0);
    if (total <= opts.limit) {
      // Mixed-radix enumeration of every combination.
      for (let n = 0; n < sizes[p]; n++) {
        let rest = n;
        out.push(pick(slots.map((s) => {
          const d = rest % s.length;
          rest = Math.floor(rest / s.length);
          return d;
        })));
      }
      return;
    }
    const want = Math.max(1, Math.round((opts.limit * sizes[p]) / total));
    const seen = new Set<string>();
    for (let attempt = 0; seen.size < want && attempt < want * 4; attempt++) {
      const digits = slots.map((s) => Math.floor(r() * s.length));
      const key = digits.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(pick(digits));
    }
  });
  return out.slice(0, opts.limit);
}

/** Whether some template can be filled from garments of these categories. */
export function canDress(categories: Iterable<Category>): boolean {
  const have = new Set(categories);
  return TEMPLATES.some((t) => t.required.every((c) => have.has(c)));
}

/** Windows (days) tried in turn for "avoid what was worn recently"; 0 = nothing left out. */
export const RECENT_WINDOWS_DAYS: readonly number[] = [7, 3, 1, 0];

/**
 * The longest window (days) such that the garments not worn within it still make at least one outfit,
 * and the indices left out by it. When everything was worn within the last day, nothing is left out
 * (days 0) and the view says so.
 */
export function avoidRecent(garments: readonly Pick<WardrobeGarment, 'category' | 'lastWorn'>[], now: number, windows: readonly number[] = RECENT_WINDOWS_DAYS): { days: number; exclude: Set<number> } {
  for (const days of windows) {
    const exclude = new Set<number>();
    garments.forEach((g, i) => {
      if (days > 0 && g.lastWorn > now - days * DAY_MS) exclude.add(i);
    });
    if (canDress(garments.filter((_, i) => !exclude.has(i)).map((g) => g.category))) return { days, exclude };
  }
  return { days: 0, exclude: new Set() };
}

/**
 * The best `k` of `order` (candidate indices, best first), for variety: a candidate is skipped when its
 * `core` (coreOf: its clothes) is that of one already picked (the same clothes with other shoes, or with or
 * without a bag or jacket, are one idea), when it is a near copy of one already picked (nearCopy: one garment swapped,
 * the rest of a full outfit the same), or when one of its garments (other than `keep`, the anchor every outfit has) is
 * already in `maxRepeat` picked outfits. `exempt` ones (outfits the person liked) are never skipped: a like
 * must not hide its outfit behind its look-alikes. When too few pass, the rest is filled in order. The picks
 * come back in the order of `order` (best first).
 */
export function pickDiverse(order: readonly number[], outfits: readonly number[][], core: (outfit: number[]) => number[], k: number, opts: { keep?: number; maxRepeat?: number; exempt?: (i: number) => boolean } = {}): number[] {
  const maxRepeat = opts.maxRepeat ?? 2;
  const picked: number[] = [];
  const cores = new Set<string>();
  const uses = new Map<number, number>();
  for (const i of order) {
    if (picked.length >= k) break;
    const key = [...core(outfits[i])].sort((a, b) => a - b).join(',');
    if (!opts.exempt?.(i)) {
      if (cores.has(key)) continue;
      if (picked.some((p) => nearCopy(outfits[i], outfits[p]))) continue;
      if (outfits[i].some((g) => g !== opts.keep && (uses.get(g) ?? 0) >= maxRepeat)) continue;
    }
    cores.add(key);
    for (const g of outfits[i]) uses.set(g, (uses.get(g) ?? 0) + 1);
    picked.push(i);
  }
  for (const i of order) {
    if (picked.length >= k) break;
    if (!picked.includes(i)) picked.push(i);
  }
  const rank = new Map(order.map((i, r) => [i, r]));
  return picked.sort((a, b) => rank.get(a)! - rank.get(b)!);
}

/** Garments two outfits must share, beside one swapped, for one to be a near copy of the other. */
export const NEAR_COPY_SHARED = 4;

/**
 * Whether outfit `a` is outfit `b` with one garment swapped (or one added or dropped) while at least NEAR_COPY_SHARED
 * others stay: the same top, shoes, jacket and bag with another pair of black trousers reads as the outfit already
 * shown. Smaller outfits that differ in one garment (another bottom with the same top, shoes and bag) stay different
 * ideas.
 */
export function nearCopy(a: readonly number[], b: readonly number[]): boolean {
  const inA = new Set(a);
  const inB = new Set(b);
  return a.filter((g) => inB.has(g)).length >= NEAR_COPY_SHARED && a.filter((g) => !inB.has(g)).length <= 1 && b.filter((g) => !inA.has(g)).length <= 1;
}

/**
 * The clothes of an outfit, its garments in a required slot other than shoes (top, bottom, dress): what makes
 * it a different idea. The same top and bottom with other shoes reads as the same outfit.
 */
export function coreOf(categories: readonly Category[]): (outfit: number[]) => number[] {
  const required = new Set<Category>(TEMPLATES.flatMap((t) => t.required).filter((c) => c !== 'shoes'));
  return (outfit) => outfit.filter((i) => required.has(categories[i]));
}

/** A stable name for an outfit: its garment ids, sorted (the key of its like or dislike). */
export const outfitKey = (garmentIds: readonly string[]): string => [...garmentIds].sort().join('+');
