import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODELS_DIR, fileHandler } from '../../node/fs-models';
import { useWasm } from '../../node/test-support';
import { GARMENT_NET, load, type GarmentNet } from './index';

const MODEL_JSON = join(DEFAULT_MODELS_DIR, 'trained', 'garment-net', 'model.json');

describe.skipIf(!existsSync(MODEL_JSON))('garment-net', () => {
  let model: GarmentNet;
  beforeAll(async () => {
    await useWasm();
    model = await load({ source: fileHandler(MODEL_JSON) });
  });
  afterAll(() => model.dispose());

  it('classifies and embeds a batch in one call each and leaves no tensors behind', async () => {
    const batch = tf.randomUniform([3, GARMENT_NET.inputSize, GARMENT_NET.inputSize, 3], 0, 255, 'float32', 5) as tf.Tensor4D;
    await model.analyze(batch); // warm-up: kernels and weights allocate once
    const before = tf.memory().numTensors;
    const types = await model.classify(batch);
    const vectors = await model.embed(batch);
    const both = await model.analyze(batch);
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
    expect(types).toHaveLength(3);
    for (const t of types) {
      expect(GARMENT_NET.labels).toContain(t.label);
      expect(t.probabilities).toHaveLength(GARMENT_NET.labels.length);
      expect(t.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);
      expect(t.probabilities[GARMENT_NET.labels.indexOf(t.label)]).toBe(Math.max(...t.probabilities));
    }
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(model.dim);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
    expect(both.types.map((t) => t.label)).toEqual(types.map((t) => t.label));
  });

  it('returns nothing for an empty batch without touching the model', async () => {
    const empty = tf.zeros([0, GARMENT_NET.inputSize, GARMENT_NET.inputSize, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    expect(await model.classify(empty)).toEqual([]);
    expect(await model.embed(empty)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    empty.dispose();
  });
});
