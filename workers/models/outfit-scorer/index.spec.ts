import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '../../../common/categories';
import { useWasm } from '../../node/test-support';
import { CROP, checkBox, garmentCrop } from './crop';
import { colourFeatures, fromWeights, garmentInput, meanRgb, initWeights, load, loadWeights, OUTFIT, parameterCount, rng, save, STUDENT_CONFIG, TEACHER_CONFIG, weightShapes, type ScorerConfig } from './index';
import {
  auc, bootstrapEval, buildEval, erase, evaluate, fndWeights, infoNce, nearestLookalikes, poolScorer, rankLoss, replace, substitute, trainScorer,
  TRAIN_DEFAULTS, type Pool,
} from './train';
import { PALETTE } from '../../../common/colour-names';
import { HISTOGRAM_SIZE } from '../../pipeline/colours';
import type { GarmentColour } from '../../../common/types';

const NO_HISTOGRAM = new Array<number>(HISTOGRAM_SIZE).fill(0);

/** A garment made of one named colour. */
const named = (name: string, rgb: [number, number, number]): GarmentColour => ({ name, rgb, fraction: 1 });

/**
 * A generated wardrobe: `photos` outfits, each with a hidden style vector; a garment's vector is its
 * outfit's style + its category's direction + noise, so garments of one outfit "go together" and
 * look-alikes of another photo share the style. Two crop kinds (rows) per garment, slightly different.
 */
function generatedPool(photos: number, seed: number): Pool {
  const d = OUTFIT.inputDim;
  // The "world" (category directions, styles) is the same for every pool; the garments differ by seed.
  const w = rng(99);
  const gaussOf = (g: () => number) => () => Math.sqrt(-2 * Math.log(g() + 1e-12)) * Math.cos(2 * Math.PI * g());
  const catDir = CATEGORIES.map(() => Float32Array.from({ length: d }, gaussOf(w)));
  const styles = Array.from({ length: 6 }, () => Float32Array.from({ length: d }, gaussOf(w)));
  const r = rng(seed);
  const gauss = gaussOf(r);
  const rows: Float32Array[] = [];
  const garments: Pool['garments'] = [];
  const outfits: number[][] = [];
  for (let p = 0; p < photos; p++) {
    const style = styles[Math.floor(r() * styles.length)];
    const cats: Category[] = ['top', 'bottom', 'shoes', ...(p % 2 ? (['bag'] as Category[]) : [])];
    const outfit: number[] = [];
    for (const c of cats) {
      const base = Float32Array.from({ length: d }, (_, i) => 1.5 * style[i] + catDir[CATEGORIES.indexOf(c)][i] + 0.5 * gauss());
      const ids = [0, 1].map(() => {
        rows.push(base.map((v) => v + 0.05 * gauss()));
        return rows.length - 1;
      });
      outfit.push(garments.length);
      garments.push({ photo: String(p).padStart(4, '0'), category: c, rows: ids });
    }
    outfits.push(outfit);
  }
  const vectors = new Float32Array(rows.length * d);
  rows.forEach((v, i) => {
    const n = Math.hypot(...v);
    vectors.set(v.map((x) => x / n), i * d);
  });
  return { dim: d, vectors, garments, outfits };
}

const TINY_TEACHER: ScorerConfig = { ...TEACHER_CONFIG, dim: 32, ff: 64, hidden: 16 };
const TINY_STUDENT: ScorerConfig = { ...STUDENT_CONFIG, dim: 8, hidden: 8 };
const FAST = { ...TRAIN_DEFAULTS, steps: 40, batch: 8, negatives: 3, lr: 3e-3 };

describe('outfit scorer', () => {
  beforeAll(async () => {
    await useWasm();
  });

  it('the student has at least 10x fewer parameters than the teacher', () => {
    expect(parameterCount(TEACHER_CONFIG)).toBeGreaterThan(10 * parameterCount(STUDENT_CONFIG));
  });

  it('FND weights alpha exactly the negatives the teacher scores above or near the positive', () => {
    const w = fndWeights([2, 0], [3, 1.8, 0, -1, 0.1, -5], 3, 0.25, 0.5);
    expect(Array.from(w)).toEqual([0.25, 0.25, 1, 1, 0.25, 1]);
  });

  it('the FND loss pushes a flagged negative less than a true negative', () => {
    const pos = tf.tensor1d([1]);
    const neg = tf.tensor2d([[2, 0]]);
    const plain = rankLoss(pos, neg);
    const fnd = rankLoss(pos, neg, tf.tensor2d([[0.2, 1]]));
    expect(fnd.dataSync()[0]).toBeLessThan(plain.dataSync()[0]);
    // With every weight 1 the weighted loss is the plain one.
    const ones = rankLoss(pos, neg, tf.ones([1, 2]) as tf.Tensor2D);
    expect(ones.dataSync()[0]).toBeCloseTo(plain.dataSync()[0], 5);
    tf.dispose([pos, neg, plain, fnd, ones]);
  });

  it('InfoNCE is low for matching views and high for shuffled ones', () => {
    const a = tf.randomNormal([6, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.add(a, tf.randomNormal([6, 8], 0, 0.01, 'float32', 2)) as tf.Tensor2D;
    const shuffled = tf.reverse(b, 0) as tf.Tensor2D;
    const good = infoNce(a, b, 0.2).dataSync()[0];
    const bad = infoNce(a, shuffled, 0.2).dataSync()[0];
    expect(good).toBeLessThan(bad);
    tf.dispose([a, b, shuffled]);
  });

  it('augmentations: erase drops one garment, replace swaps one for a same-category look-alike of another photo', () => {
    const pool = generatedPool(12, 3);
    const look = nearestLookalikes(pool, 5);
    const r = rng(1);
    for (const o of pool.outfits) {
      const e = erase(r, o);
      expect(e.length).toBe(o.length > 2 ? o.length - 1 : o.length);
      expect(e.every((g) => o.includes(g))).toBe(true);
      const rep = replace(r, o, look);
      const changed = rep.map((g, i) => (g !== o[i] ? i : -1)).filter((i) => i >= 0);
      expect(changed.length).toBe(1);
      const [at] = changed;
      expect(pool.garments[rep[at]].category).toBe(pool.garments[o[at]].category);
      expect(pool.garments[rep[at]].photo).not.toBe(pool.garments[o[at]].photo);
      const sub = substitute(r, pool, o, look, 1);
      const photos = sub.map((g) => pool.garments[g].photo);
      expect(new Set(photos).size).toBe(photos.length);
      expect(photos).not.toContain(pool.garments[o[0]].photo);
    }
    // Look-alikes are of the same category and never of the same photo.
    look.forEach((ls, g) => ls.forEach((o) => {
      expect(pool.garments[o].category).toBe(pool.garments[g].category);
      expect(pool.garments[o].photo).not.toBe(pool.garments[g].photo);
    }));
  });

  it('look-alikes: by garment-net embedding, by embedding + colour, or by the yardstick vectors', () => {
    // Three tops of three photos: 1 has 0's embedding but another colour, 2 a near embedding and 0's colour.
    const e = OUTFIT.embeddingDim;
    const unit = (i: number, j: number, w: number) => {
      const v = new Float32Array(e);
      v[i] = 1;
      v[j] = w;
      const n = Math.hypot(1, w);
      return v.map((x) => x / n);
    };
    const [red, blue] = [[named('red', [200, 30, 30])], [named('blue', [30, 30, 200])]];
    const inputs = [garmentInput(unit(0, 1, 0), red, NO_HISTOGRAM), garmentInput(unit(0, 1, 0), blue, NO_HISTOGRAM), garmentInput(unit(0, 1, 0.5), red, NO_HISTOGRAM)];
    const vectors = new Float32Array(3 * OUTFIT.inputDim);
    inputs.forEach((v, i) => vectors.set(v, i * OUTFIT.inputDim));
    const pool: Pool = {
      dim: OUTFIT.inputDim, vectors, outfits: [[0], [1], [2]],
      garments: [0, 1, 2].map((i) => ({ photo: `p${i}`, category: 'top' as const, rows: [i] })),
      // Yardstick vectors: 0 and 1 close, 2 far from both.
      yardstick: { dim: 2, vectors: Float32Array.from([1, 0, 0.9, 0.1, 0, 1]) },
    };
    expect(nearestLookalikes(pool, 1)[0]).toEqual([1]); // embedding only: the same embedding wins
    expect(nearestLookalikes(pool, 1, 0, 2)[0]).toEqual([2]); // colour counts: same colour, near embedding
    expect(nearestLookalikes(pool, 1, 0, 0, pool.yardstick)[0]).toEqual([1]);
    expect(nearestLookalikes(pool, 1, 0, 0, pool.yardstick)[2]).toEqual([1]);
  });

  it('evaluation sets are built across photos and AUC is computed right', () => {
    expect(auc([3, 2], [1, 2])).toBeCloseTo(0.875);
    const pool = generatedPool(16, 4);
    const set = buildEval(pool, nearestLookalikes(pool, 5), 9);
    expect(set.positives.length).toBeGreaterThan(0);
    for (const o of [...set.positives, ...set.negatives]) {
      const photos = o.map((g) => pool.garments[g].photo);
      expect(new Set(photos).size).toBe(photos.length);
    }
    for (const q of set.fitb) {
      expect(q.candidates).toHaveLength(4);
      expect(new Set(q.candidates.map((c) => pool.garments[c].category)).size).toBe(1);
      // The question's context and answer are its positive's garments.
      expect([...q.context, q.candidates[q.answer]].sort()).toEqual([...set.positives[q.positive]].sort());
    }
  });

  it('says how much AUC and FITB rest on the outfits drawn (bootstrap over positives, seeded)', () => {
    const pool = generatedPool(16, 4);
    const set = buildEval(pool, nearestLookalikes(pool, 5), 9);
    const n = set.positives.length;
    // Scores that rank every positive above every negative, and half of the positives' questions right.
    const pos = set.positives.map(() => 1);
    const neg = set.negatives.map(() => 0);
    const right = set.fitb.map((q) => q.positive % 2 === 0);
    const b = bootstrapEval(set, pos, neg, right, { draws: 300, seed: 5 });
    expect(b.draws).toBe(300);
    expect(b.auc).toEqual([1, 1]);
    const whole = right.filter(Boolean).length / right.length;
    expect(b.fitb[0]).toBeLessThan(whole);
    expect(b.fitb[1]).toBeGreaterThan(whole);
    expect(bootstrapEval(set, pos, neg, right, { draws: 300, seed: 5 })).toEqual(b);
    // Every question right and AUC 1: every draw reaches both targets; all scores tied (AUC 0.5): none does.
    expect(bootstrapEval(set, pos, neg, set.fitb.map(() => true), { draws: 50 }).bothAtTarget).toBe(1);
    expect(bootstrapEval(set, pos.map(() => 0), neg, set.fitb.map(() => true), { draws: 50 }).bothAtTarget).toBe(0); // AUC 0.5
    expect(n).toBeGreaterThan(3);
  });

  it('teacher and student losses decrease; FND + CL training runs; the student learns the generated styles', async () => {
    const pool = generatedPool(40, 5);
    const look = nearestLookalikes(pool, 3);
    const teacher = await trainScorer(TINY_TEACHER, pool, look, { ...FAST, seed: 1 });
    expect(teacher.curve[teacher.curve.length - 1]).toBeLessThan(teacher.curve[0]);
    const student = await trainScorer(TINY_STUDENT, pool, look, { ...FAST, seed: 2, clWeight: 0.5, steps: 60 }, { config: TINY_TEACHER, members: [teacher.weights] });
    expect(student.curve[student.curve.length - 1]).toBeLessThan(student.curve[0]);
    expect(student.flagged).toBeGreaterThanOrEqual(0);
    expect(student.flagged).toBeLessThan(1);
    const held = generatedPool(16, 6);
    const m = await evaluate(poolScorer(TINY_STUDENT, student.weights, held, 1), buildEval(held, nearestLookalikes(held, 5), 3));
    expect(m.auc).toBeGreaterThan(0.6);
    tf.dispose(Object.values(teacher.weights));
    tf.dispose(Object.values(student.weights));
  });

  it('embeddingScale scales the embedding part of the standardised input: at 0 the scores ignore the garment-net embedding', async () => {
    const pool = generatedPool(24, 7);
    const look = nearestLookalikes(pool, 3);
    const full = await trainScorer(TINY_STUDENT, pool, look, { ...FAST, seed: 3, steps: 5 });
    const part = await trainScorer(TINY_STUDENT, pool, look, { ...FAST, seed: 3, steps: 5, embeddingScale: 0.5 });
    const scaleOf = (w: Record<string, tf.Tensor>) => w.in_scale.dataSync();
    const e = OUTFIT.embeddingDim;
    expect(Array.from(scaleOf(part.weights).slice(0, e))).toEqual(Array.from(scaleOf(full.weights).slice(0, e)).map((v) => Math.fround(v * 0.5)));
    expect(Array.from(scaleOf(part.weights).slice(e))).toEqual(Array.from(scaleOf(full.weights).slice(e)));
    tf.dispose([...Object.values(full.weights), ...Object.values(part.weights)]);
    const blind = await trainScorer(TINY_STUDENT, pool, look, { ...FAST, seed: 3, steps: 40, embeddingScale: 0 });
    expect(blind.curve[blind.curve.length - 1]).toBeLessThan(blind.curve[0]);
    // The same garments with their embeddings replaced by others: the blind model's scores do not move.
    const scorer = fromWeights(TINY_STUDENT, [blind.weights]);
    const r = rng(5);
    const garments = pool.garments.slice(0, 6).map((g) => ({ vector: pool.vectors.slice(g.rows[0] * pool.dim, (g.rows[0] + 1) * pool.dim), category: g.category }));
    const swapped = garments.map((g) => ({ ...g, vector: Float32Array.from(g.vector, (v, i) => (i < e ? r() * 2 - 1 : v)) }));
    const outfits = [[0, 1, 2], [3, 4, 5], [0, 4]];
    const a = await scorer.score(garments, outfits);
    const b = await scorer.score(swapped, outfits);
    a.forEach((s, i) => expect(b[i]).toBeCloseTo(s, 5));
    tf.dispose(Object.values(blind.weights));
  });

  it('scoring leaves no tensors behind, and weights survive save + load', async () => {
    const weights = initWeights(TINY_STUDENT, 3);
    let saved: tf.io.ModelArtifacts | undefined;
    await save(TINY_STUDENT, [weights], tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const scorer = fromWeights(TINY_STUDENT, [weights]);
    const loaded = await load(tf.io.fromMemory(saved!));
    const r = rng(8);
    const garments = Array.from({ length: 10 }, (_, i) => ({ vector: Float32Array.from({ length: OUTFIT.inputDim }, () => r()), category: CATEGORIES[i % 8] }));
    const outfits = [[0, 1, 2], [3, 4], [5, 6, 7, 8, 9]];
    await scorer.score(garments, outfits); // warm-up: kernels and their caches
    const before = tf.memory().numTensors;
    const a = await scorer.score(garments, outfits);
    const b = await loaded.score(garments, outfits);
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(3);
    a.forEach((v, i) => {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
      expect(b[i]).toBeCloseTo(v, 5);
    });
    await expect(scorer.score(garments, [[0, 42]])).rejects.toThrow(/not in 0..9/);
    scorer.dispose();
    loaded.dispose();
  });

  it('garmentInput: the garment-net embedding as it is, then the Lab of the mean colour and the palette shares; other widths refused', () => {
    const r = rng(4);
    const embedding = Float32Array.from({ length: OUTFIT.embeddingDim }, () => r() - 0.5);
    const red = garmentInput(embedding, [named('red', [200, 30, 30])], NO_HISTOGRAM);
    const blue = garmentInput(embedding, [named('blue', [30, 30, 200])], NO_HISTOGRAM);
    expect(red).toHaveLength(OUTFIT.inputDim);
    expect(Array.from(red.subarray(0, OUTFIT.embeddingDim))).toEqual(Array.from(embedding));
    const colour = (v: Float32Array) => Array.from(v.subarray(OUTFIT.embeddingDim));
    expect(colour(red)).toEqual(colourFeatures([named('red', [200, 30, 30])], NO_HISTOGRAM).map(Math.fround));
    expect(colour(red)[1]).toBeGreaterThan(0.5); // a* of red: strongly positive
    expect(colour(blue)[2]).toBeLessThan(-0.5); // b* of blue: strongly negative
    // Palette shares: one per PALETTE name, of the named colours' fractions (scaled to sum 1).
    const shares = (v: Float32Array) => colour(v).slice(4, 4 + PALETTE.length);
    expect(shares(red)).toHaveLength(PALETTE.length);
    expect(shares(red)[PALETTE.findIndex((p) => p.name === 'red')]).toBeCloseTo(1, 5);
    const stripes = shares(garmentInput(embedding, [{ ...named('navy', [25, 35, 80]), fraction: 0.45 }, { ...named('white', [245, 245, 245]), fraction: 0.45 }], NO_HISTOGRAM));
    expect(stripes[PALETTE.findIndex((p) => p.name === 'navy')]).toBeCloseTo(0.5, 5);
    expect(stripes[PALETTE.findIndex((p) => p.name === 'white')]).toBeCloseTo(0.5, 5);
    expect(stripes.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // The mean colour is the fraction-weighted mean of the named colours.
    expect(meanRgb([{ rgb: [0, 0, 0], fraction: 0.25 }, { rgb: [200, 100, 40], fraction: 0.75 }])).toEqual([150, 75, 30]);
    // No colour known: neutral grey, L about 0.54, no chroma and no palette share.
    const grey = colour(garmentInput(embedding, [], NO_HISTOGRAM));
    expect(grey[0]).toBeCloseTo(0.54, 2);
    expect(grey[3]).toBeCloseTo(0, 3);
    expect(grey.slice(4).every((v) => v === 0)).toBe(true);
    // The colour histogram: the square root of each share, after the palette; other lengths refused.
    const hist = new Array<number>(HISTOGRAM_SIZE).fill(0);
    hist[0] = 0.25;
    hist[63] = 0.75;
    const h = colour(garmentInput(embedding, [], hist)).slice(4 + PALETTE.length);
    expect(h).toHaveLength(HISTOGRAM_SIZE);
    expect(h[0]).toBeCloseTo(0.5, 6);
    expect(h[63]).toBeCloseTo(Math.sqrt(0.75), 6);
    expect(() => garmentInput(embedding, [], [1])).toThrow(/histogram has 1 values, expected 64/);
    // The old backbone's 1280-d vectors (or anything but garment-net's width) are refused, by name.
    expect(() => garmentInput(new Float32Array(1280), [], NO_HISTOGRAM)).toThrow(/1280 values, expected 128 \(garment-net\)/);
  });

  it("a model's input width comes from its own weights: configs without inputDim load, wrong garment widths are refused", async () => {
    const narrow: ScorerConfig = { ...TINY_STUDENT, inputDim: 16 };
    expect(weightShapes(narrow).item_w).toEqual([16, 8]);
    let saved: tf.io.ModelArtifacts | undefined;
    const weights = initWeights(narrow, 5);
    await save(narrow, [weights], tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    tf.dispose(Object.values(weights));
    // A model.json written before inputDim was in the config.
    const { inputDim: _, ...old } = narrow;
    const artifacts = { ...saved!, modelTopology: { format: 'mirror-outfit-scorer', config: old } as unknown as tf.io.ModelArtifacts['modelTopology'] };
    const loaded = await loadWeights(tf.io.fromMemory(artifacts));
    expect(loaded.config.inputDim).toBe(16);
    const scorer = await load(tf.io.fromMemory(artifacts));
    const g = (n: number) => ({ vector: new Float32Array(n), category: 'top' as const });
    expect(await scorer.score([g(16), g(16)], [[0, 1]])).toHaveLength(1);
    await expect(scorer.score([g(16), g(OUTFIT.inputDim)], [[0, 1]])).rejects.toThrow(/garment 1: vector has \d+ values, expected 16/);
    scorer.dispose();
    loaded.members.forEach((w) => tf.dispose(Object.values(w)));
  });

  it("a teacher of several members scores the mean of their logits, and its members survive save + load", async () => {
    const config: ScorerConfig = { ...TINY_TEACHER, members: 2 };
    const members = [initWeights(TINY_TEACHER, 11), initWeights(TINY_TEACHER, 12)];
    let saved: tf.io.ModelArtifacts | undefined;
    await save(config, members, tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(parameterCount(config)).toBe(2 * parameterCount(TINY_TEACHER));
    const r = rng(9);
    const garments = Array.from({ length: 6 }, (_, i) => ({ vector: Float32Array.from({ length: OUTFIT.inputDim }, () => r()), category: CATEGORIES[i % 8] }));
    const outfits = [[0, 1, 2], [3, 4, 5], [1, 4]];
    const logit = (p: number) => Math.log(p / (1 - p));
    const one = await Promise.all(members.map((w) => fromWeights(TINY_TEACHER, [w]).score(garments, outfits)));
    const loaded = await load(tf.io.fromMemory(saved!));
    const both = await loaded.score(garments, outfits);
    both.forEach((v, i) => expect(logit(v)).toBeCloseTo((logit(one[0][i]) + logit(one[1][i])) / 2, 4));
    expect(one[0][0]).not.toBeCloseTo(one[1][0], 4); // two members that differ
    await expect(load(tf.io.fromMemory({ ...saved!, modelTopology: { format: 'mirror-outfit-scorer', config: { ...config, members: 3 } } as unknown as tf.io.ModelArtifacts['modelTopology'] })))
      .rejects.toThrow(/member2\/in_mean/);
    loaded.dispose();
    members.forEach((w) => tf.dispose(Object.values(w)));
  });

  it('crops: grey outside the kept pixels and the box, bad boxes refused', () => {
    const image = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 4).fill(200) };
    const out = new Float32Array(CROP.size * CROP.size * 3);
    const colour = garmentCrop(image, [0, 0, 2, 2], (x) => x === 0, out);
    expect(colour).toEqual([200, 200, 200]);
    expect(out[0]).toBe(200); // top-left: kept pixel (0, 0)
    expect(out[(CROP.size - 1) * 3]).toBe(CROP.grey); // top-right: pixel (1, 0), refused by keep
    expect(() => checkBox([0, 0, 1], 4, 2)).toThrow(/4 finite/);
    expect(() => checkBox([10, 0, 3, 3], 4, 2)).toThrow(/outside/);
  });
});
