/**
 * The scorer worker: the outfit student on the tfjs backend chosen like the vision worker's
 * (workers/backend.ts), the person's garments read from IndexedDB and encoded once, and the outfit
 * suggestions ("Complete the look", "Dress me") with the taste learned on the device. Composition only:
 * the work is in outfit-engine.ts (tested in Node).
 *
 * Page side (src/features/outfits/outfit-service.ts): wrap<ScorerApi>(new Worker(new URL('.../scorer.worker.ts', import.meta.url), { type: 'module' })).
 * The page writes likes and dislikes to IndexedDB, then calls feedbackChanged(); this worker writes only
 * the learned taste (outfitTaste).
 */
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendChoice, BackendInfo } from '../../common/types';
import { workerConnection, type MirrorDatabase } from '../../common/db-open';
import { recordId } from '../../common/db-schema';
import { chooseBackend, type BackendOptions } from '../backend';
import { MODEL_VERSION } from '../pipeline';
import { OutfitEngine, type SuggestionResult, type TasteSummary, type WardrobeSnapshot } from './outfit-engine';
import { encodeGarments, loadStudent, scoreOutfits, type Student } from './student';

const BACKEND_OPTIONS: BackendOptions = {
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
};

/** The shipped student, listed in models/manifest.json (cached for offline by src/features/offline). */
const STUDENT_PATH = 'models/trained/outfit-student/model.json';
const TASTE_ID = 'taste';

/** One connection per worker, opened on first use; reopened if it was closed for a newer version. */
const database = workerConnection();

let info: BackendInfo | null = null;
let student: Student | null = null;
let engine: OutfitEngine | null = null;
/** The wardrobe is read again on the next request after the page says the looks changed. */
let wardrobeReady: Promise<void> | null = null;

async function readFeedback(db: MirrorDatabase): Promise<WardrobeSnapshot['feedback']> {
  return (await db.getAll('outfitFeedback')).map((f) => ({ garmentIds: f.garmentIds, verdict: f.verdict }));
}

async function readWardrobe(): Promise<WardrobeSnapshot> {
  const db = await database();
  const tx = db.transaction(['looks', 'garments', 'vectors', 'pieces', 'outfitFeedback']);
  const [looks, garments, vectors, pieces, feedback] = await Promise.all([
    tx.objectStore('looks').getAll(),
    tx.objectStore('garments').getAll(),
    tx.objectStore('vectors').index('byKind').getAll('garment'),
    tx.objectStore('pieces').getAll(),
    tx.objectStore('outfitFeedback').getAll(),
  ]);
  const vectorOf = new Map(vectors.map((v) => [recordId(v.id), v]));
  return {
    looks: looks.filter((l) => l.status === 'analysed').map((l) => ({ id: l.id, wornAt: l.takenAt ?? l.addedAt })),
    garments: garments.map((g) => {
      const v = vectorOf.get(g.id);
      return { id: g.id, lookId: g.lookId, category: g.category, vector: v?.vector, modelVersion: v?.modelVersion, colours: g.colours, histogram: g.histogram };
    }),
    pieces: pieces.map((p) => ({ id: p.id, garmentIds: p.garmentIds })),
    feedback: feedback.map((f) => ({ garmentIds: f.garmentIds, verdict: f.verdict })),
  };
}

function ready(): OutfitEngine {
  if (!engine) throw new Error('The outfit scorer is not initialised: call init() first');
  return engine;
}

/** The pieces last given to the engine, as text: grouping in the Wardrobe changes them without a looks-changed. */
let piecesSeen = '';

async function withWardrobe(): Promise<OutfitEngine> {
  const e = ready();
  let fresh = false;
  wardrobeReady ??= readWardrobe().then(async (snap) => {
    e.setWardrobe(snap);
    piecesSeen = JSON.stringify(snap.pieces);
    fresh = true;
    // The taste follows the looks too (they are its positives); stored so that Settings can show it.
    await storeTaste(await e.learn());
  });
  wardrobeReady.catch(() => (wardrobeReady = null));
  await wardrobeReady;
  if (!fresh) {
    // The pieces store is small: read on every request, so that a regrouped wardrobe counts at once.
    const pieces = (await (await database()).getAll('pieces')).map((p) => ({ id: p.id, garmentIds: p.garmentIds }));
    const text = JSON.stringify(pieces);
    if (text !== piecesSeen) {
      e.setPieces(pieces);
      piecesSeen = text;
    }
  }
  return e;
}

/** Which student and item vectors a stored taste belongs to. */
const modelKey = (): string => `${MODEL_VERSION}|student-${student?.config.dim}x${student?.inputDim}${(student?.members.length ?? 1) > 1 ? `x${student?.members.length}` : ''}`;

async function storeTaste(t: TasteSummary): Promise<void> {
  const db = await database();
  const { w, mean, scale, b } = t.taste;
  await db.put('outfitTaste', { id: TASTE_ID, w, mean, scale, b, looks: t.looks, likes: t.likes, dislikes: t.dislikes, modelKey: modelKey(), fittedAt: Date.now() });
}

export const api = {
  /** Chooses the backend (the person's choice in Settings) and loads the student from this app's /models/. */
  async init(choice: BackendChoice): Promise<BackendInfo> {
    info = await chooseBackend(choice, BACKEND_OPTIONS);
    engine?.dispose();
    student?.dispose();
    student = await loadStudent(`${import.meta.env.BASE_URL}${STUDENT_PATH}`);
    // Warm-up: the first run compiles kernels and allocates WASM memory; do it now, not on a request.
    const enc = encodeGarments(student, [new Float32Array(student.inputDim), new Float32Array(student.inputDim)], ['top', 'bottom']);
    await scoreOutfits(student, enc, Array.from({ length: 64 }, () => [0, 1]));
    enc.dispose();
    engine = new OutfitEngine(student, MODEL_VERSION);
    wardrobeReady = null;
    return info;
  },

  /** The looks, garments, vectors or pieces changed: they are read and encoded again on next use. */
  looksChanged(): void {
    wardrobeReady = null;
  },

  /** A like or dislike was written (or cleared): the taste is fitted again and stored. */
  async feedbackChanged(): Promise<TasteSummary> {
    const e = await withWardrobe();
    e.setFeedback(await readFeedback(await database()));
    const t = await e.learn();
    await storeTaste(t);
    return t;
  },

  /** The person reset their taste (the page cleared the stores): forget it here too. */
  forget(): void {
    engine?.forget();
  },

  async completeTheLook(garmentId: string): Promise<SuggestionResult> {
    return (await withWardrobe()).completeTheLook(garmentId);
  },

  async dressMe(now: number = Date.now()): Promise<SuggestionResult> {
    return (await withWardrobe()).dressMe(now);
  },

  memory(): { numTensors: number; numBytes: number } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },

  backend(): BackendInfo {
    if (!info) throw new Error('The outfit scorer is not initialised: call init() first');
    return info;
  },
};

export type ScorerApi = typeof api;

expose(api);
