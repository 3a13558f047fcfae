/**
 * What the scorer worker does, over plain data (so it runs and is tested in Node): keeps the person's
 * garments encoded by the student, builds candidate outfits (combine.ts), scores them, personalises the
 * ranking (taste.ts) and explains each suggestion by leave-one-out score changes.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Category } from '../../common/categories';
import type { GarmentColour } from '../../common/types';
import { rng } from '../../common/random';
import { avoidRecent, candidateOutfits, coreOf, DAY_MS, outfitKey, pickDiverse, representatives, type WardrobeGarment } from './combine';
import { encodeGarments, scoreOutfits, studentInput, type Student } from './student';
import { fitTaste, noTaste, TASTE, tasteBoost, type Taste, type TasteExample } from './taste';

export type Verdict = 'like' | 'dislike';

/** The person's wardrobe as read from IndexedDB (plain data). */
export interface WardrobeSnapshot {
  looks: { id: string; wornAt: number }[];
  garments: { id: string; lookId: string; category: Category; vector?: Float32Array; modelVersion?: string; colours: GarmentColour[]; histogram?: number[] }[];
  pieces: { id: string; garmentIds: string[] }[];
  feedback: { garmentIds: string[]; verdict: Verdict }[];
}

export interface SuggestionPart {
  garmentId: string;
  category: Category;
  /**
   * How much the outfit's score (0..1) drops without this garment: > 0 it pulls the score up, < 0 down.
   * null for a two-garment outfit (one garment alone is no outfit), and for the garment a "complete the look"
   * outfit is built around (it is in every suggestion: the reasons are about the garments chosen for it).
   */
  delta: number | null;
}

export interface Suggestion {
  /** outfitKey of its garment ids (the key of a like or dislike). */
  key: string;
  parts: SuggestionPart[];
  /** Personalised score 0..1 (what the ranking uses). */
  score: number;
  /** The student's score 0..1, before personalisation. */
  base: number;
  verdict?: Verdict;
}

export type SuggestionState = 'ready' | 'reanalysing' | 'too-few' | 'unknown-garment';

export interface SuggestionResult {
  state: SuggestionState;
  /** What the person reads when there are no suggestions, or a note beside them. */
  message?: string;
  suggestions: Suggestion[];
  /** Candidate outfits scored, and how long scoring them took (ms). */
  candidates: number;
  scoreMs: number;
  /** Whether a taste vector shaped the ranking. */
  personalised: boolean;
  /** Dress me: garments worn within this many days were left out (0 = none left out). */
  avoidedDays?: number;
}

export interface TasteSummary {
  looks: number;
  likes: number;
  dislikes: number;
  /** Examples the vector was fitted on, and its length (0 = no personalisation yet). */
  examples: number;
  norm: number;
  taste: Taste;
}

export const ENGINE = {
  /** Candidate outfits scored per request at most (the benchmark's 10,000). */
  candidates: 10_000,
  /** Suggestions shown. */
  suggestions: 4,
  /** Logits added to an outfit the person liked, and taken from one they disliked (on top of the taste). */
  likeBonus: 1,
  dislikePenalty: 3,
  /** A garment (other than the one to complete) is in at most this many of the suggestions shown. */
  maxRepeat: 2,
  /** Outfits of the person's garments whose embeddings standardise the taste's input. */
  reference: 512,
  /** Seed of the random outfits that contrast the person's looks when fitting the taste. */
  seed: 7,
} as const;

export const REANALYSING = 'Your looks are being analysed with a new model; outfit suggestions come back when that has finished.';
/** The stored vectors are current, but the shipped outfit model was trained on inputs of another size. */
export const MODEL_MISMATCH = 'The outfit model does not fit the garment vectors of the current analysis yet; outfit suggestions come back with an outfit model trained on them.';

interface Usable extends WardrobeGarment {
  input: Float32Array;
  wornAt: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class OutfitEngine {
  private garments: Usable[] = [];
  private index = new Map<string, number>();
  private enc: tf.Tensor2D | null = null;
  /** Garments with a vector the student cannot use (another model's, waiting to be analysed again). */
  private stale = new Set<string>();
  /** Why they are stale: an older analysis (re-embedding will fix it), or a student of another input size. */
  private staleReason = REANALYSING;
  private looks: { id: string; wornAt: number }[] = [];
  private feedback = new Map<string, { garmentIds: string[]; verdict: Verdict }>();
  private taste: Taste;
  private tasteFitted = false;

  constructor(private readonly student: Student, private readonly modelVersion: string) {
    this.taste = noTaste(student.dim);
  }

  /** Replaces the wardrobe: the usable garments are encoded once, here. */
  setWardrobe(snap: WardrobeSnapshot): { usable: number; stale: number } {
    this.enc?.dispose();
    this.enc = null;
    const wornAt = new Map(snap.looks.map((l) => [l.id, l.wornAt]));
    this.stale = new Set();
    let mismatched = 0;
    const usable: Usable[] = [];
    for (const g of snap.garments) {
      if (!g.vector || !wornAt.has(g.lookId)) continue;
      const current = g.modelVersion === this.modelVersion;
      const input = current ? studentInput(this.student, g.vector, g.colours, g.histogram) : null;
      if (!input) {
        this.stale.add(g.id);
        if (current) mismatched++;
        continue;
      }
      const at = wornAt.get(g.lookId)!;
      usable.push({ id: g.id, lookId: g.lookId, category: g.category, lastWorn: at, wornAt: at, input });
    }
    this.staleReason = mismatched > 0 ? MODEL_MISMATCH : REANALYSING;
    this.garments = usable;
    this.index = new Map(usable.map((g, i) => [g.id, i]));
    this.looks = snap.looks;
    if (usable.length > 0) this.enc = encodeGarments(this.student, usable.map((g) => g.input), usable.map((g) => g.category));
    this.setPieces(snap.pieces);
    this.setFeedback(snap.feedback);
    return { usable: usable.length, stale: this.stale.size };
  }

  /**
   * Replaces the wardrobe pieces (the person grouped, merged or split them): which garments are one piece,
   * and so when each was last worn. Nothing is encoded again.
   */
  setPieces(pieces: WardrobeSnapshot['pieces']): void {
    const pieceOf = new Map<string, string>();
    for (const p of pieces) for (const g of p.garmentIds) pieceOf.set(g, p.id);
    const lastWorn = new Map<string, number>();
    for (const g of this.garments) {
      g.pieceId = pieceOf.get(g.id);
      if (g.pieceId) lastWorn.set(g.pieceId, Math.max(lastWorn.get(g.pieceId) ?? -Infinity, g.wornAt));
    }
    for (const g of this.garments) g.lastWorn = g.pieceId ? lastWorn.get(g.pieceId)! : g.wornAt;
  }

  /** Replaces the likes and dislikes (the taste is fitted again on next use). */
  setFeedback(feedback: WardrobeSnapshot['feedback']): void {
    this.feedback = new Map(feedback.map((f) => [outfitKey(f.garmentIds), f]));
    this.tasteFitted = false;
  }

  /** Fits the taste vector on the looks, likes and dislikes (closed-form-like Newton steps; milliseconds). */
  async learn(): Promise<TasteSummary> {
    const examples: { outfit: number[]; label: 0 | 1; weight: number }[] = [];
    const byLook = new Map<string, number[]>();
    this.garments.forEach((g, i) => byLook.set(g.lookId, [...(byLook.get(g.lookId) ?? []), i]));
    const byCategory = new Map<Category, number[]>();
    this.garments.forEach((g, i) => byCategory.set(g.category, [...(byCategory.get(g.category) ?? []), i]));
    const r = rng(ENGINE.seed);
    let looks = 0;
    for (const look of this.looks) {
      const own = (byLook.get(look.id) ?? []).slice(0, 8);
      if (own.length < 2) continue;
      looks++;
      examples.push({ outfit: own, label: 1, weight: TASTE.lookWeight });
      // Type-matched random outfits from garments of other looks: what the person did not put together.
      for (let k = 0; k < TASTE.lookNegatives; k++) {
        const other = own.map((i) => {
          const pool = (byCategory.get(this.garments[i].category) ?? []).filter((j) => this.garments[j].lookId !== look.id);
          return pool.length ? pool[Math.floor(r() * pool.length)] : -1;
        });
        if (other.every((i) => i >= 0)) examples.push({ outfit: other, label: 0, weight: TASTE.lookWeight / TASTE.lookNegatives });
      }
    }
    let likes = 0;
    let dislikes = 0;
    for (const f of this.feedback.values()) {
      const outfit = f.garmentIds.map((id) => this.index.get(id));
      if (outfit.length < 2 || outfit.some((i) => i === undefined)) continue;
      if (f.verdict === 'like') likes++;
      else dislikes++;
      examples.push({ outfit: outfit as number[], label: f.verdict === 'like' ? 1 : 0, weight: TASTE.feedbackWeight });
    }
    if (examples.length > 0 && this.enc) {
      // Outfits of the person's garments in general: the reference for standardising the embedding.
      const reference = candidateOutfits(this.garments, { limit: ENGINE.reference, seed: ENGINE.seed });
      const scored = await scoreOutfits(this.student, this.enc, [...examples.map((e) => e.outfit), ...reference]);
      const d = this.student.dim;
      const row = (i: number) => scored.embeddings.subarray(i * d, (i + 1) * d);
      // Fitted without the student's logit as an offset: a like of an outfit the student already scores
      // high would otherwise teach almost nothing (its loss is already small). The ranking adds w · z to
      // the student's logit.
      const fit: TasteExample[] = examples.map((e, i) => ({ embedding: row(i), logit: 0, label: e.label, weight: e.weight }));
      const refRows = reference.map((_, i) => row(examples.length + i));
      this.taste = fitTaste(fit, d, { reference: refRows.length >= 8 ? refRows : undefined });
    } else {
      this.taste = noTaste(this.student.dim);
    }
    this.tasteFitted = true;
    return { looks, likes, dislikes, examples: this.taste.examples, norm: Math.hypot(...this.taste.w), taste: this.taste };
  }

  /** Forgets the taste (after the person reset it; their looks teach it again on next use). */
  forget(): void {
    this.feedback.clear();
    this.taste = noTaste(this.student.dim);
    this.tasteFitted = false;
  }

  /** The best outfits that contain the garment `garmentId`, from garments of the person's other looks. */
  async completeTheLook(garmentId: string, k: number = ENGINE.suggestions): Promise<SuggestionResult> {
    const empty = (state: SuggestionState, message: string): SuggestionResult => ({ state, message, suggestions: [], candidates: 0, scoreMs: 0, personalised: false });
    if (this.stale.has(garmentId)) return empty('reanalysing', this.staleReason);
    const anchorIndex = this.index.get(garmentId);
    if (anchorIndex === undefined) return empty('unknown-garment', 'This garment has no item vector yet: it is still being analysed, or its analysis failed.');
    const anchor = this.garments[anchorIndex];
    // Pieces are chosen among the other looks' garments; the anchor's own look is the photo itself.
    const others = representatives(this.garments.filter((g) => g.lookId !== anchor.lookId), (g) => g.wornAt);
    const pool = [anchor, ...others];
    const outfits = candidateOutfits(pool, { anchor: 0, limit: ENGINE.candidates, seed: ENGINE.seed });
    if (outfits.length === 0) {
      return empty(this.stale.size > 0 ? 'reanalysing' : 'too-few', this.stale.size > 0 ? this.staleReason
        : `No outfit can be made around this ${anchor.category} yet: it needs your other looks to show ${needs(anchor.category)}.`);
    }
    const result = await this.rank(pool, outfits, k, 0);
    if (this.stale.size > 0) result.message = `${this.stale.size} garments are being analysed again and are left out for now.`;
    return result;
  }

  /** A few outfits for today, leaving out what was worn recently (the longest window that still dresses). */
  async dressMe(now: number, k: number = ENGINE.suggestions): Promise<SuggestionResult> {
    const pool = representatives(this.garments, (g) => g.wornAt);
    const { days, exclude } = avoidRecent(pool, now);
    // A new day gives another sample of a large wardrobe; the same day gives the same suggestions.
    const outfits = candidateOutfits(pool, { exclude, limit: ENGINE.candidates, seed: Math.floor(now / DAY_MS) });
    if (outfits.length === 0) {
      const reanalysing = this.stale.size > 0;
      return {
        state: reanalysing ? 'reanalysing' : 'too-few', suggestions: [], candidates: 0, scoreMs: 0, personalised: false,
        message: reanalysing ? this.staleReason : 'Dress me needs looks that show a top, a bottom and shoes, or a dress and shoes.',
      };
    }
    const result = await this.rank(pool, outfits, k);
    result.avoidedDays = days;
    if (this.stale.size > 0) result.message = `${this.stale.size} garments are being analysed again and are left out for now.`;
    return result;
  }

  /** Scores and ranks `outfits` (indices into `pool`); `anchor` (a pool index) may be in every suggestion. */
  private async rank(pool: Usable[], outfits: number[][], k: number, anchor?: number): Promise<SuggestionResult> {
    if (!this.tasteFitted) await this.learn();
    const rows = pool.map((g) => this.index.get(g.id)!);
    const global = outfits.map((o) => o.map((i) => rows[i]));
    const start = performance.now();
    const scored = await scoreOutfits(this.student, this.enc!, global);
    const scoreMs = performance.now() - start;
    const d = this.student.dim;
    const tasted = Float32Array.from(scored.logits, (l, i) => l + tasteBoost(this.taste, scored.embeddings, i * d));
    const personal = Float32Array.from(tasted);
    // The person's own answer on this very outfit counts beyond what the taste vector generalises from it
    // (a linear taste can lift a look-alike past the outfit that was liked).
    if (this.feedback.size > 0) {
      outfits.forEach((o, i) => {
        const verdict = this.feedback.get(outfitKey(o.map((g) => pool[g].id)))?.verdict;
        if (verdict) personal[i] += verdict === 'like' ? ENGINE.likeBonus : -ENGINE.dislikePenalty;
      });
    }
    const order = [...personal.keys()].sort((a, b) => personal[b] - personal[a] || a - b);
    const categories = pool.map((g) => g.category);
    const liked = (i: number) => this.feedback.get(outfitKey(outfits[i].map((g) => pool[g].id)))?.verdict === 'like';
    const picked = pickDiverse(order, outfits, coreOf(categories), k, { keep: anchor, maxRepeat: ENGINE.maxRepeat, exempt: liked });

    // Leave-one-out: each picked outfit without each of its garments (when at least two remain), the anchor
    // excepted: an outfit without the garment to complete is no answer to the question asked.
    const variants: number[][] = [];
    const variantOf: { s: number; j: number }[] = [];
    picked.forEach((p, s) => {
      const o = global[p];
      if (o.length < 3) return;
      o.forEach((_, j) => {
        if (outfits[p][j] === anchor) return;
        variants.push(o.filter((__, x) => x !== j));
        variantOf.push({ s, j });
      });
    });
    const loo = variants.length ? await scoreOutfits(this.student, this.enc!, variants) : { logits: new Float32Array(0), embeddings: new Float32Array(0) };
    const suggestions: Suggestion[] = picked.map((p) => {
      const ids = outfits[p].map((i) => pool[i].id);
      const key = outfitKey(ids);
      return {
        key,
        parts: outfits[p].map((i) => ({ garmentId: pool[i].id, category: pool[i].category, delta: null })),
        score: sigmoid(personal[p]),
        base: sigmoid(scored.logits[p]),
        verdict: this.feedback.get(key)?.verdict,
      };
    });
    variantOf.forEach(({ s, j }, v) => {
      // Both with the taste, neither with the like bonus (which belongs to the whole outfit, not a garment).
      const without = sigmoid(loo.logits[v] + tasteBoost(this.taste, loo.embeddings, v * d));
      suggestions[s].parts[j].delta = sigmoid(tasted[picked[s]]) - without;
    });
    return { state: 'ready', suggestions, candidates: outfits.length, scoreMs, personalised: this.taste.examples > 0 };
  }

  dispose(): void {
    this.enc?.dispose();
    this.enc = null;
  }
}

/** What an outfit around a garment of `category` still needs, in words. */
function needs(category: Category): string {
  switch (category) {
    case 'dress': return 'shoes';
    case 'top': return 'a bottom and shoes';
    case 'bottom': return 'a top and shoes';
    case 'shoes': return 'a top and a bottom, or a dress';
    default: return 'a top, a bottom and shoes, or a dress and shoes';
  }
}
