import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Category } from '../../common/categories';
import { EMBEDDING_DIM } from '../../common/constants';
import { rng } from '../../common/random';
import { fileHandler, DEFAULT_MODELS_DIR } from '../node/fs-models';
import { useWasm } from '../node/test-support';
import { garmentInput, initWeights, save, STUDENT_CONFIG, type ScorerConfig } from '../models/outfit-scorer';
import { DAY_MS, TEMPLATES } from './combine';
import { ENGINE, MODEL_MISMATCH, OutfitEngine, REANALYSING, type WardrobeSnapshot } from './outfit-engine';
import { encodeGarments, loadStudent, scoreOutfits, type Student } from './student';
import { PALETTE } from '../../common/colour-names';
import { HISTOGRAM_SIZE } from '../pipeline/colours';

const NO_HISTOGRAM = new Array<number>(HISTOGRAM_SIZE).fill(0);

/**
 * The stored item vector's length that garmentInput takes now, and the model input it makes: read from
 * garmentInput itself, because the item vectors change models (backbone 1280-d, garment-net 128-d).
 */
const VECTOR_DIM = [EMBEDDING_DIM, 128, 1280].find((n) => {
  try {
    garmentInput(new Float32Array(n), [], NO_HISTOGRAM);
    return true;
  } catch {
    return false;
  }
})!;
const INPUT_DIM = garmentInput(new Float32Array(VECTOR_DIM), [], NO_HISTOGRAM).length;
const VERSION = 'test-model-1';
const NOW = Date.UTC(2026, 10, 27, 12);

/** A seeded student with the current input size, saved and loaded back through loadStudent; members seeded 11, 12, ... */
async function syntheticStudent(inputDim = INPUT_DIM, members = 1, firstSeed = 11): Promise<Student> {
  const config = { ...STUDENT_CONFIG, inputDim, ...(members > 1 ? { members } : {}) } as ScorerConfig;
  const weights = Array.from({ length: members }, (_, k) => initWeights(config, firstSeed + k));
  let artifacts: tf.io.ModelArtifacts | undefined;
  await save(config, weights, tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  weights.forEach((w) => tf.dispose(Object.values(w)));
  return loadStudent(tf.io.fromMemory(artifacts!));
}

/** A random colour histogram (shares summing to 1). */
function histogram(r: () => number): number[] {
  const h = Array.from({ length: HISTOGRAM_SIZE }, () => (r() < 0.1 ? r() : 0));
  h[Math.floor(r() * HISTOGRAM_SIZE)] += 1;
  const total = h.reduce((a, b) => a + b, 0);
  return h.map((v) => v / total);
}

function unit(r: () => number, n: number): Float32Array {
  const v = Float32Array.from({ length: n }, () => r() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Looks of top + bottom + shoes (every third with a bag), and two dress looks; look i worn i * 2 days ago. */
function generatedWardrobe(looks = 8, seed = 3): WardrobeSnapshot {
  const r = rng(seed);
  const snap: WardrobeSnapshot = { looks: [], garments: [], pieces: [], feedback: [] };
  for (let l = 0; l < looks; l++) {
    const id = `look-${l}`;
    snap.looks.push({ id, wornAt: NOW - l * 2 * DAY_MS });
    const cats: Category[] = l >= looks - 2 ? ['dress', 'shoes'] : ['top', 'bottom', 'shoes', ...(l % 3 === 0 ? (['bag'] as Category[]) : [])];
    for (const c of cats) {
      snap.garments.push({ id: `${id}-${c}`, lookId: id, category: c, vector: unit(r, VECTOR_DIM), modelVersion: VERSION, colours: [{ name: PALETTE[Math.floor(r() * PALETTE.length)].name, rgb: [r() * 255, r() * 255, r() * 255], fraction: 1 }], histogram: histogram(r) });
    }
  }
  return snap;
}

const categoryOf = (snap: WardrobeSnapshot) => new Map(snap.garments.map((g) => [g.id, g.category]));
const lookOf = (snap: WardrobeSnapshot) => new Map(snap.garments.map((g) => [g.id, g.lookId]));

function fitsTemplate(categories: Category[]): boolean {
  return new Set(categories).size === categories.length
    && TEMPLATES.some((t) => t.required.every((c) => categories.includes(c)) && categories.every((c) => t.required.includes(c) || t.optional.includes(c)));
}

describe('OutfitEngine', () => {
  let student: Student;
  beforeAll(async () => {
    await useWasm();
    student = await syntheticStudent();
  });

  it('completes the look around a garment from the other looks, ranked, with leave-one-out reasons', async () => {
    const snap = generatedWardrobe();
    const engine = new OutfitEngine(student, VERSION);
    expect(engine.setWardrobe(snap)).toEqual({ usable: snap.garments.length, stale: 0 });
    const anchor = 'look-1-top';
    const result = await engine.completeTheLook(anchor, 6);
    expect(result.state).toBe('ready');
    expect(result.candidates).toBeGreaterThan(6);
    expect(result.suggestions).toHaveLength(6);
    const cat = categoryOf(snap);
    const look = lookOf(snap);
    for (const s of result.suggestions) {
      const ids = s.parts.map((p) => p.garmentId);
      expect(ids).toContain(anchor);
      expect(fitsTemplate(ids.map((id) => cat.get(id)!))).toBe(true);
      expect(ids.filter((id) => id !== anchor).every((id) => look.get(id) !== 'look-1')).toBe(true);
      // Every garment of a 3+ garment outfit but the anchor is explained by how much the score drops without it.
      for (const p of s.parts) expect(typeof p.delta).toBe(p.garmentId === anchor ? 'object' : 'number');
      expect(s.parts.find((p) => p.garmentId === anchor)!.delta).toBeNull();
      expect(s.score).toBeGreaterThan(0);
      expect(s.score).toBeLessThan(1);
    }
    const scores = result.suggestions.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    engine.dispose();
  });

  it('dresses the person from what they have not worn in the last week, and says when it cannot', async () => {
    const snap = generatedWardrobe();
    const engine = new OutfitEngine(student, VERSION);
    engine.setWardrobe(snap);
    const result = await engine.dressMe(NOW);
    expect(result.state).toBe('ready');
    expect(result.avoidedDays).toBe(7);
    const worn = new Map(snap.looks.map((l) => [l.id, l.wornAt]));
    const look = lookOf(snap);
    for (const s of result.suggestions) {
      for (const p of s.parts) expect(worn.get(look.get(p.garmentId)!)!).toBeLessThanOrEqual(NOW - 7 * DAY_MS);
    }
    // Only tops and bottoms: nothing can be made.
    engine.setWardrobe({ ...snap, garments: snap.garments.filter((g) => g.category === 'top' || g.category === 'bottom') });
    expect(await engine.dressMe(NOW)).toMatchObject({ state: 'too-few', suggestions: [] });
    engine.dispose();
  });

  it('counts a piece as worn when any of its garments was, and offers it once', async () => {
    const snap = generatedWardrobe();
    const engine = new OutfitEngine(student, VERSION);
    engine.setWardrobe(snap);
    // The top of look 4 (8 days ago) is the same piece as the top of look 0 (today).
    engine.setPieces([{ id: 'p', garmentIds: ['look-0-top', 'look-4-top'] }]);
    const result = await engine.dressMe(NOW, 50);
    const ids = result.suggestions.flatMap((s) => s.parts.map((p) => p.garmentId));
    expect(result.avoidedDays).toBe(7);
    expect(ids).not.toContain('look-4-top');
    expect(ids).not.toContain('look-0-top');
    // Without the piece, the old top is offered again.
    engine.setPieces([]);
    const again = (await engine.dressMe(NOW, 50)).suggestions.flatMap((s) => s.parts.map((p) => p.garmentId));
    expect(again).toContain('look-4-top');
    engine.dispose();
  });

  it('moves a liked suggestion up and a disliked one down', async () => {
    const snap = generatedWardrobe(10, 5);
    const engine = new OutfitEngine(student, VERSION);
    engine.setWardrobe(snap);
    // Every candidate (k above their count), ranked by score: the rank of one is how many score higher.
    const all = 10_000;
    const before = await engine.completeTheLook('look-2-bottom', all);
    const rank = (r: typeof before, key: string) => {
      const score = r.suggestions.find((s) => s.key === key)!.score;
      return r.suggestions.filter((s) => s.score > score).length;
    };
    const byScore = [...before.suggestions].sort((a, b) => b.score - a.score);
    const liked = byScore[Math.floor(byScore.length * 0.6)];
    const disliked = byScore[0];
    engine.setFeedback([
      { garmentIds: liked.parts.map((p) => p.garmentId), verdict: 'like' },
      { garmentIds: disliked.parts.map((p) => p.garmentId), verdict: 'dislike' },
    ]);
    const taste = await engine.learn();
    expect(taste).toMatchObject({ likes: 1, dislikes: 1 });
    expect(taste.norm).toBeGreaterThan(0);
    const after = await engine.completeTheLook('look-2-bottom', all);
    const likedAfter = after.suggestions.find((s) => s.key === liked.key)!;
    expect(likedAfter.verdict).toBe('like');
    expect(rank(after, liked.key)).toBeLessThan(rank(before, liked.key) / 2);
    expect(rank(after, disliked.key)).toBeGreaterThan(0);
    // The personal score moved, the student's did not.
    expect(likedAfter.base).toBeCloseTo(liked.base, 5);
    // Forgetting goes back to the looks alone.
    engine.forget();
    const reset = await engine.completeTheLook('look-2-bottom', all);
    expect(reset.suggestions.map((s) => s.key)).toEqual(before.suggestions.map((s) => s.key));
    engine.dispose();
  });

  it('leaves out vectors of another model version or size, and says the looks are analysed again', async () => {
    const snap = generatedWardrobe();
    const engine = new OutfitEngine(student, VERSION);
    const old = { ...snap, garments: snap.garments.map((g) => ({ ...g, modelVersion: 'older-model' })) };
    expect(engine.setWardrobe(old)).toEqual({ usable: 0, stale: snap.garments.length });
    expect(await engine.completeTheLook('look-1-top')).toMatchObject({ state: 'reanalysing', message: REANALYSING, suggestions: [] });
    expect(await engine.dressMe(NOW)).toMatchObject({ state: 'reanalysing', suggestions: [] });
    // Garments analysed before colour histograms: left out until the re-embedding migration adds them.
    const noHistogram = { ...snap, garments: snap.garments.map((g, i) => (i % 2 ? g : { ...g, histogram: undefined })) };
    expect(engine.setWardrobe(noHistogram)).toEqual({ usable: Math.floor(snap.garments.length / 2), stale: Math.ceil(snap.garments.length / 2) });
    // A student trained on another input size than the stored vectors make: nothing is scored.
    const other = await syntheticStudent(INPUT_DIM + 3);
    const mismatched = new OutfitEngine(other, VERSION);
    expect(mismatched.setWardrobe(snap)).toEqual({ usable: 0, stale: snap.garments.length });
    expect(await mismatched.dressMe(NOW)).toMatchObject({ state: 'reanalysing', message: MODEL_MISMATCH });
    mismatched.dispose();
    other.dispose();
    engine.dispose();
  });

  it('leaks no tensors: only the encoded garments are kept, and dispose frees them', async () => {
    const engine = new OutfitEngine(student, VERSION);
    const start = tf.memory().numTensors;
    engine.setWardrobe(generatedWardrobe());
    const kept = tf.memory().numTensors;
    expect(kept).toBe(start + 1);
    await engine.completeTheLook('look-1-top');
    await engine.dressMe(NOW);
    await engine.learn();
    expect(tf.memory().numTensors).toBe(kept);
    engine.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('a student of several members', () => {
  beforeAll(async () => {
    await useWasm();
  });

  it('scores with the mean of its members\' logits and embeds with the first member', async () => {
    const both = await syntheticStudent(INPUT_DIM, 2);
    const [first, second] = [await syntheticStudent(INPUT_DIM, 1, 11), await syntheticStudent(INPUT_DIM, 1, 12)];
    expect(both.members).toHaveLength(2);
    expect(both.dim).toBe(STUDENT_CONFIG.dim);
    const r = rng(5);
    const cats: Category[] = ['top', 'bottom', 'shoes', 'outerwear', 'bag', 'top'];
    const inputs = cats.map(() => unit(r, INPUT_DIM));
    const outfits = [[0, 1, 2], [5, 1, 2, 4], [3, 0, 1], [0, 1]];
    const scored = async (s: Student) => {
      const enc = encodeGarments(s, inputs, cats);
      const out = await scoreOutfits(s, enc, outfits);
      enc.dispose();
      return out;
    };
    const start = tf.memory().numTensors;
    const [b, f, g] = [await scored(both), await scored(first), await scored(second)];
    expect(tf.memory().numTensors).toBe(start);
    b.logits.forEach((l, i) => expect(l).toBeCloseTo((f.logits[i] + g.logits[i]) / 2, 5));
    expect(f.logits.some((l, i) => Math.abs(l - g.logits[i]) > 1e-3)).toBe(true);
    expect(b.embeddings).toHaveLength(outfits.length * STUDENT_CONFIG.dim);
    b.embeddings.forEach((e, i) => expect(e).toBeCloseTo(f.embeddings[i], 5));
    [both, first, second].forEach((s) => s.dispose());
  });

  it('refuses a model that is no student', async () => {
    await expect(loadStudent(tf.io.fromMemory({ modelTopology: { format: 'something else' } as never, weightSpecs: [], weightData: new ArrayBuffer(0) }))).rejects.toThrow(/not a Mirror outfit student/);
  });
});

describe('the shipped student', () => {
  beforeAll(async () => {
    await useWasm();
  });

  it('loads with its input size read from its weights and scores 10,000 outfits from a wardrobe', async () => {
    const shipped = await loadStudent(fileHandler(join(DEFAULT_MODELS_DIR, 'trained/outfit-student/model.json')));
    expect(shipped.inputDim).toBeGreaterThan(0);
    expect(shipped.dim).toBe(shipped.config.dim);
    const r = rng(2);
    const n = 300;
    const cats: Category[] = Array.from({ length: n }, (_, i) => (['top', 'bottom', 'shoes', 'outerwear', 'bag'] as const)[i % 5]);
    const start = tf.memory().numTensors;
    const enc = encodeGarments(shipped, Array.from({ length: n }, () => unit(r, shipped.inputDim)), cats);
    const outfits = Array.from({ length: ENGINE.candidates }, () => Array.from({ length: 2 + Math.floor(r() * 4) }, () => Math.floor(r() * n)));
    const { logits, embeddings } = await scoreOutfits(shipped, enc, outfits);
    expect(logits).toHaveLength(ENGINE.candidates);
    expect(embeddings).toHaveLength(ENGINE.candidates * shipped.dim);
    expect(logits.every(Number.isFinite)).toBe(true);
    enc.dispose();
    expect(tf.memory().numTensors).toBe(start);
    shipped.dispose();
  });
});
