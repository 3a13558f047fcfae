import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileModels, syntheticPerson, useWasm } from '../../node/test-support';
import { rgbTensor } from '../tensor';
import { KEYPOINTS, load, type PoseModel } from './index';

describe('movenet', () => {
  let model: PoseModel;
  beforeAll(async () => {
    await useWasm();
    model = await load(fileModels()('movenet-lightning'));
  });
  afterAll(() => model.dispose());

  it('returns 17 keypoints in image pixels and leaves no tensors behind', async () => {
    const image = rgbTensor(syntheticPerson(300, 450));
    await model.estimatePose(image); // warm-up allocations are not leaks
    const before = tf.memory().numTensors;
    const keypoints = await model.estimatePose(image);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
    expect(keypoints).toHaveLength(KEYPOINTS.length);
    for (const [x, y, score] of keypoints) {
      expect(x).toBeGreaterThanOrEqual(-75); // letterboxed: x may reach into the padding
      expect(x).toBeLessThanOrEqual(375);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(450);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });
});
