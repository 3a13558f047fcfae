/**
 * The wardrobe's grouping: which detected garments, across the whole collection, are the same piece of
 * clothing. Pure and DOM-free (unit-tested in Node).
 *
 * Two garments are the same piece when they have the same category, come from different looks (one piece
 * is worn once per photo), and their likeness is at least the threshold, where likeness is the Bhattacharyya
 * coefficient of their colour histograms (colourAffinity, the colour part of Similar items' score), 0..1.
 * Not garment-net's vectors: they learned a garment's type under colour jitter, so two different garments of a
 * kind sit close (two different people's shoes at a median cosine of 0.99 on CCP val), and the same garment
 * photographed again moves more than that (`npx tsx scripts/reshot.ts`, GROUPING.threshold below).
 * Garments are taken oldest look first; each joins the existing piece it is most like on average (over
 * that piece's garments), or starts a new piece. The likeness of that match is the garment's confidence.
 * A garment without a histogram (stored before histograms existed, until the model update gives it one) is
 * like no other.
 */
import type { Category } from '../../../common/categories';
import { colourAffinity } from '../../../common/colour-similarity';

export interface GroupableGarment {
  id: string;
  lookId: string;
  category: Category;
  /** Colour histogram of the garment's pixels (the 64 shares the app stores with every garment). */
  histogram: readonly number[];
  /** When the look was worn (ms since epoch). */
  wornAt: number;
}

export interface PieceGroup {
  /** Garment ids, oldest look first. */
  garmentIds: string[];
  category: Category;
}

export const GROUPING = {
  /**
   * Likeness (0..1) from which two garments are taken to be the same piece: chosen on 100 CCP train photos, each
   * analysed as it is and as a simulated second shot of the outfit (`npx tsx scripts/reshot.ts --split train`), as
   * the threshold that leaves the person the fewest pieces to fix (a garment put in the wrong piece is one split, a
   * garment shot twice and not grouped one merge); see the script for the figures at each threshold.
   */
  threshold: 0.97,
} as const;

/** How alike two garments look: the Bhattacharyya coefficient of their colour histograms, 0 without one. */
export function likeness(a: GroupableGarment, b: GroupableGarment): number {
  return colourAffinity(a.histogram, b.histogram) ?? 0;
}

export interface Assignment {
  garmentId: string;
  /** Index into the pieces (existing ones first, then new ones). */
  piece: number;
  /** Likeness to the piece it joined (1 for a garment that started a piece). */
  confidence: number;
}

/**
 * Assigns `garments` to `pieces` (existing groups, whose garments are given in `known`) or to new
 * pieces. Returns every piece (existing first, in order, then new ones) and the assignment of each
 * garment placed.
 */
export function groupGarments(
  garments: readonly GroupableGarment[],
  pieces: readonly PieceGroup[] = [],
  known: ReadonlyMap<string, GroupableGarment> = new Map(),
  threshold: number = GROUPING.threshold,
): { pieces: PieceGroup[]; assignments: Assignment[] } {
  const out: { group: PieceGroup; members: GroupableGarment[] }[] = pieces.map((p) => ({
    group: { ...p, garmentIds: [...p.garmentIds] },
    members: p.garmentIds.map((id) => known.get(id)).filter((g): g is GroupableGarment => g !== undefined),
  }));
  const assignments: Assignment[] = [];
  for (const g of [...garments].sort((a, b) => a.wornAt - b.wornAt || a.id.localeCompare(b.id))) {
    let best = -1;
    let bestScore = -Infinity;
    out.forEach(({ group, members }, i) => {
      if (group.category !== g.category || members.length === 0) return;
      if (members.some((m) => m.lookId === g.lookId)) return;
      const score = members.reduce((s, m) => s + likeness(g, m), 0) / members.length;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best >= 0 && bestScore >= threshold) {
      out[best].group.garmentIds.push(g.id);
      out[best].members.push(g);
      assignments.push({ garmentId: g.id, piece: best, confidence: bestScore });
    } else {
      out.push({ group: { category: g.category, garmentIds: [g.id] }, members: [g] });
      assignments.push({ garmentId: g.id, piece: out.length - 1, confidence: 1 });
    }
  }
  return { pieces: out.map((o) => o.group), assignments };
}

export interface WearStats {
  wears: number;
  firstWorn?: number;
  lastWorn?: number;
  /** price / wears, when a price is known. */
  costPerWear?: number;
}

/** Wear count (distinct looks), first and last worn, and cost per wear. */
export function wearStats(worn: readonly { lookId: string; wornAt: number }[], price?: number): WearStats {
  const byLook = new Map(worn.map((w) => [w.lookId, w.wornAt]));
  const dates = [...byLook.values()];
  const wears = byLook.size;
  return {
    wears,
    firstWorn: wears ? Math.min(...dates) : undefined,
    lastWorn: wears ? Math.max(...dates) : undefined,
    costPerWear: price !== undefined && wears > 0 ? price / wears : undefined,
  };
}
