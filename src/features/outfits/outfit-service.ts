/**
 * Outfit suggestions on the page: the one handle on the scorer worker (created lazily with the backend the
 * person chose, shut down when idle), the likes and dislikes in IndexedDB, and the records the views show
 * (garments with their looks' photos, for the crops). Components call this module, never the worker or
 * IndexedDB.
 */
import { wrap, type Remote } from 'comlink';
import type { ScorerApi } from '../../../workers/scorer/scorer.worker';
import type { Suggestion, SuggestionResult, Verdict } from '../../../workers/scorer/outfit-engine';
import type { GarmentRecord, LookRecord, OutfitFeedbackRecord } from '../../../common/db-schema';
import { db } from '../../db/connection';
import { vision } from '../../services/vision';
import { on } from '../../services/messages.svelte';

export type { Suggestion, SuggestionResult, Verdict } from '../../../workers/scorer/outfit-engine';

/** An idle scorer worker is shut down after this long (ms); the next request starts it again. */
const IDLE_MS = 5 * 60 * 1000;

interface Live {
  worker: Worker;
  api: Remote<ScorerApi>;
  ready: Promise<unknown>;
  /** The backend choice it was started with; a new choice in Settings starts a new worker. */
  choice: string;
}

let live: Live | null = null;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let busy = 0;

function stop(): void {
  if (!live) return;
  live.worker.terminate();
  live = null;
}

function start(): Live {
  const worker = new Worker(new URL('../../../workers/scorer/scorer.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<ScorerApi>(worker);
  const choice = vision.choice();
  const current: Live = { worker, api, ready: api.init(choice), choice };
  current.ready.catch(() => {
    if (live === current) stop();
  });
  return current;
}

/** Runs `fn` on the worker (started on first use), keeping it alive while calls are in flight. */
async function call<T>(fn: (api: Remote<ScorerApi>) => Promise<T>): Promise<T> {
  clearTimeout(idleTimer);
  busy++;
  try {
    if (live && live.choice !== vision.choice() && busy === 1) stop();
    live ??= start();
    const current = live;
    await current.ready;
    return await fn(current.api);
  } finally {
    busy--;
    if (busy === 0) idleTimer = setTimeout(() => busy === 0 && stop(), IDLE_MS);
  }
}

// Looks analysed, corrected, grouped or deleted: the worker reads and encodes the wardrobe again.
on('looks-changed', () => {
  if (live) void live.api.looksChanged();
});

/** A garment with its look, for its crop and its name. */
export interface ShownGarment {
  garment: GarmentRecord;
  look: LookRecord;
}

export interface Suggestions {
  result: SuggestionResult;
  /** Every garment of every suggestion, by id. */
  garments: Map<string, ShownGarment>;
}

async function withGarments(result: SuggestionResult, extra: string[] = []): Promise<Suggestions> {
  const d = await db();
  const ids = new Set([...extra, ...result.suggestions.flatMap((s) => s.parts.map((p) => p.garmentId))]);
  const garments = new Map<string, ShownGarment>();
  const looks = new Map<string, LookRecord | undefined>();
  for (const id of ids) {
    const garment = await d.get('garments', id);
    if (!garment) continue;
    if (!looks.has(garment.lookId)) looks.set(garment.lookId, await d.get('looks', garment.lookId));
    const look = looks.get(garment.lookId);
    if (look) garments.set(id, { garment, look });
  }
  // A suggestion whose garment was deleted meanwhile is not shown.
  return { result: { ...result, suggestions: result.suggestions.filter((s) => s.parts.every((p) => garments.has(p.garmentId))) }, garments };
}

/** The best outfits around one garment, from the person's other looks. */
export async function completeTheLook(garmentId: string): Promise<Suggestions> {
  return withGarments(await call((api) => api.completeTheLook(garmentId)), [garmentId]);
}

/** A few outfits for today, avoiding what was worn recently. */
export async function dressMe(): Promise<Suggestions> {
  return withGarments(await call((api) => api.dressMe(Date.now())));
}

/** The garment (and its look) that Complete the look starts from. */
export async function loadAnchor(garmentId: string): Promise<ShownGarment | null> {
  const d = await db();
  const garment = await d.get('garments', garmentId);
  const look = garment && (await d.get('looks', garment.lookId));
  return garment && look ? { garment, look } : null;
}

/**
 * Stores (or, with null, clears) the person's verdict on a suggestion, then has the worker fit the taste
 * again. Resolves when the new taste is in use.
 */
export async function judge(suggestion: Suggestion, verdict: Verdict | null, source: OutfitFeedbackRecord['source']): Promise<void> {
  const d = await db();
  if (verdict === null) await d.delete('outfitFeedback', suggestion.key);
  else await d.put('outfitFeedback', { key: suggestion.key, garmentIds: suggestion.parts.map((p) => p.garmentId), verdict, source, at: Date.now() });
  await call((api) => api.feedbackChanged());
}

export interface TasteState {
  likes: number;
  dislikes: number;
  /** The learned taste: what it was fitted on; null before the first suggestion. */
  learned: { looks: number; likes: number; dislikes: number; fittedAt: number } | null;
}

export async function tasteState(): Promise<TasteState> {
  const d = await db();
  const tx = d.transaction(['outfitFeedback', 'outfitTaste']);
  const [feedback, taste] = await Promise.all([tx.objectStore('outfitFeedback').getAll(), tx.objectStore('outfitTaste').get('taste')]);
  return {
    likes: feedback.filter((f) => f.verdict === 'like').length,
    dislikes: feedback.filter((f) => f.verdict === 'dislike').length,
    learned: taste ? { looks: taste.looks, likes: taste.likes, dislikes: taste.dislikes, fittedAt: taste.fittedAt } : null,
  };
}

/**
 * Forgets the person's taste: every like and dislike and the learned vector, in one transaction. The
 * suggestions then follow the student and the person's own looks only.
 */
export async function resetTaste(): Promise<void> {
  const tx = (await db()).transaction(['outfitFeedback', 'outfitTaste'], 'readwrite');
  await Promise.all([tx.objectStore('outfitFeedback').clear(), tx.objectStore('outfitTaste').clear(), tx.done]);
  if (live) await live.api.forget();
}
