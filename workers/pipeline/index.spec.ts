import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../common/categories';
import { EMBEDDING_DIM } from '../../common/constants';
import { nodeModels } from '../node/runtime';
import { syntheticPerson, useWasm } from '../node/test-support';
import { createAnalyzer, MODEL_VERSION, type Analyzer, type Models } from './index';

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
    expect(a.people[0].keypoints).toHaveLength(17);
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
    }
    for (const stage of ['centernet', 'movenet', 'selfie', 'backbone', 'total']) expect(a.timings[stage]).toBeGreaterThanOrEqual(0);
  });

  it('does not grow the tensor count across repeated analyses of different images', async () => {
    for (const image of images) await analyzer.analyze(image); // warm-up
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) for (const image of images) await analyzer.analyze(image);
    await analyzer.embedImage(images[1]);
    await analyzer.observe(images[2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('embeds a whole image as one garment crop', async () => {
    const v = await analyzer.embedImage(images[2]);
    expect(v).toHaveLength(EMBEDDING_DIM);
    expect(Math.hypot(...v)).toBeCloseTo(1, 4);
  });
});
