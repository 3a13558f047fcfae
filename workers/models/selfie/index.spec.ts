import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileModels, syntheticPerson, useWasm } from '../../node/test-support';
import { rgbTensor } from '../tensor';
import { load, SELFIE, type Segmenter } from './index';

describe('selfie', () => {
  let model: Segmenter;
  beforeAll(async () => {
    await useWasm();
    model = await load(fileModels()('selfie'));
  });
  afterAll(() => model.dispose());

  it('returns a 256x256 probability mask over the letterbox square and leaves no tensors behind', async () => {
    const image = rgbTensor(syntheticPerson(200, 300));
    await model.segment(image);
    const before = tf.memory().numTensors;
    const mask = await model.segment(image);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
    expect(mask.size).toBe(SELFIE.inputSize);
    expect(mask.data).toHaveLength(SELFIE.inputSize ** 2);
    expect(mask.region).toEqual({ x: -50, y: 0, size: 300 });
    expect(Math.min(...mask.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...mask.data)).toBeLessThanOrEqual(1);
  });
});
