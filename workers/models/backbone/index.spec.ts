import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileModels, useWasm } from '../../node/test-support';
import { BACKBONE, load, loadReference, type Backbone } from './index';

describe('backbone', () => {
  let model: Backbone;
  beforeAll(async () => {
    await useWasm();
    model = await load(fileModels()('mobilenet-v2'));
  });
  afterAll(() => model.dispose());

  it('embeds a batch in one call into L2-normalised 1280-d vectors and leaves no tensors behind', async () => {
    const batch = tf.randomUniform([3, BACKBONE.inputSize, BACKBONE.inputSize, 3], 0, 255, 'float32', 7) as tf.Tensor4D;
    await model.embed(batch);
    const before = tf.memory().numTensors;
    const vectors = await model.embed(batch);
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(BACKBONE.dim);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
  });

  it('gives the same features as the unfolded Keras model (BatchNorm folding is exact)', async () => {
    const reference = await loadReference(fileModels()('mobilenet-v2'));
    const batch = tf.randomUniform([2, BACKBONE.inputSize, BACKBONE.inputSize, 3], 0, 255, 'float32', 11) as tf.Tensor4D;
    const [a, b] = [await model.embed(batch), await reference.embed(batch)];
    batch.dispose();
    reference.dispose();
    let maxDiff = 0;
    a.forEach((v, i) => v.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - b[i][j])))));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
