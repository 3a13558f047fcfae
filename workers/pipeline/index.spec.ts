import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, FINE_LABEL_CATEGORY } from '../../common/categories';
import { GARMENT_NET } from '../models/garment-net';
import { EMBEDDING_DIM } from '../../common/constants';
import { nodeModels } from '../node/runtime';
import { syntheticPerson, useWasm } from '../node/test-support';
import { createAnalyzer, MODEL_VERSION, typeFor, type Analyzer, type Models } from './index';
import { lookVector } from './look-vector';
import { rng } from '../../common/random';
import { HISTOGRAM_SIZE } from './colours';

describe('analysis pipeline', () => {
  let models: Models;
  let analyzer: Analyzer;
  beforeAll(async () => {
    await useWasm();
    models = await nodeModels();
    analyzer = createAnalyzer(models);
  });
  afterAll(() => models.dispose());

  const images = [
    syntheticPerson(300, 450),
    syntheticPerson(640, 480, [240, 240, 240], [20, 20, 20]),
    syntheticPerson(257, 257, [40, 160, 60], [200, 190, 150]),
  ];

  it('returns a complete Analysis with normalised vectors', async () => {
    const a = await analyzer.analyze(images[0]);
    expect(a.width).toBe(300);
    expect(a.height).toBe(450);
    expect(a.modelVersion).toBe(MODEL_VERSION);
    expect(a.lookEmbedding).toHaveLength(EMBEDDING_DIM);
    expect(Math.hypot(...a.lookEmbedding)).toBeCloseTo(1, 4);
    expect(a.people.length).toBeGreaterThanOrEqual(1);
    expect(a.people[0].keypoints).toHaveLength(0);
    const people = await analyzer.people(images[0]);
    expect(people[0].keypoints).toHaveLength(17);
    for (const g of a.garments) {
      expect(CATEGORIES).toContain(g.category);
      expect(g.embedding).toHaveLength(EMBEDDING_DIM);
      expect(Math.hypot(...g.embedding)).toBeCloseTo(1, 4);
      const [x, y, w, h] = g.box;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(300.1);
      expect(y + h).toBeLessThanOrEqual(450.1);
      expect(g.score).toBeGreaterThanOrEqual(0);
      expect(g.score).toBeLessThanOrEqual(1);
      for (const c of g.colours) expect(c.fraction).toBeGreaterThan(0);
      expect(g.histogram).toHaveLength(HISTOGRAM_SIZE);
      expect(g.histogram.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    for (const g of a.garments) if (g.type) expect(FINE_LABEL_CATEGORY[g.type.label]).toBe(g.category);
    for (const stage of ['detector', 'regions', 'garmentNet', 'total']) expect(a.timings[stage]).toBeGreaterThanOrEqual(0);
  });

  it('re-embeds given garments in order, keeping their boxes and categories', async () => {
    const garments = [
      { category: 'top' as const, box: [100, 80, 100, 120] as [number, number, number, number] },
      { category: 'bag' as const, box: [10, 10, 40, 40] as [number, number, number, number] },
      { category: 'shoes' as const, box: [0, 0, 1, 1] as [number, number, number, number] },
    ];
    const r = await analyzer.reembed(images[0], garments);
    expect(r.modelVersion).toBe(MODEL_VERSION);
    expect(r.garments).toHaveLength(3);
    expect(Math.hypot(...r.garments[0].embedding)).toBeCloseTo(1, 4);
    expect(FINE_LABEL_CATEGORY[r.garments[0].type!.label]).toBe('top');
    expect(r.garments[1].type).toBeUndefined(); // no fine label is a bag
    expect(r.garments[2].embedding.every((v) => v === 0)).toBe(true); // too small to crop
    expect(r.garments[0].histogram.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5); // the colours of its pixels
    expect(r.garments[2].histogram.every((v) => v === 0)).toBe(true);
    // Named colours of the same pixels, as analysis gives them (a marked item needs them).
    expect(r.garments[0].colours.length).toBeGreaterThan(0);
    const covered = r.garments[0].colours.reduce((s, c) => s + c.fraction, 0);
    expect(covered).toBeGreaterThan(0.9);
    expect(covered).toBeLessThanOrEqual(1.001);
    expect(r.garments[2].colours).toEqual([]);
    expect(Math.hypot(...r.lookEmbedding)).toBeCloseTo(1, 4);
  });

  it('types a garment only with a fine label of its category', () => {
    const p = new Float32Array(GARMENT_NET.labels.length).fill(0.01);
    p[GARMENT_NET.labels.indexOf('Dress')] = 0.9;
    p[GARMENT_NET.labels.indexOf('Shirt')] = 0.05;
    expect(typeFor('top', p)).toEqual({ label: 'Shirt', score: 0.05 });
    expect(typeFor('dress', p)).toEqual({ label: 'Dress', score: 0.9 });
    expect(typeFor('bag', p)).toBeUndefined();
  });

  it('binds each garment to its category in the look vector', () => {
    const unit = (seed: number) => {
      const r = rng(seed);
      const v = Float32Array.from({ length: EMBEDDING_DIM }, () => r() - 0.5);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    const [a, b] = [unit(1), unit(2)];
    const look = lookVector([{ category: 'top', embedding: a }, { category: 'bottom', embedding: b }]);
    expect(Math.hypot(...look)).toBeCloseTo(1, 5);
    // The same garments in the same categories: the same look; swapped categories: far apart.
    expect(dot(look, lookVector([{ category: 'bottom', embedding: b }, { category: 'top', embedding: a }]))).toBeCloseTo(1, 5);
    expect(Math.abs(dot(look, lookVector([{ category: 'top', embedding: b }, { category: 'bottom', embedding: a }])))).toBeLessThan(0.5);
    // A rotation keeps similarities within its category.
    expect(dot(lookVector([{ category: 'top', embedding: a }]), lookVector([{ category: 'top', embedding: b }]))).toBeCloseTo(dot(a, b), 4);
    expect(lookVector([])).toHaveLength(EMBEDDING_DIM);
  });

  it('does not grow the tensor count across repeated analyses of different images', async () => {
    for (const image of images) await analyzer.analyze(image); // warm-up
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) for (const image of images) await analyzer.analyze(image);
    await analyzer.embedImage(images[1]);
    await analyzer.reembed(images[2], [{ category: 'top', box: [50, 50, 100, 100] }]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('embeds a whole image as one garment crop', async () => {
    const { type, embedding } = await analyzer.embedImage(images[2]);
    expect(GARMENT_NET.labels).toContain(type.label);
    expect(embedding).toHaveLength(EMBEDDING_DIM);
    expect(Math.hypot(...embedding)).toBeCloseTo(1, 4);
  });
});
