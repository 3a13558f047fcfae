import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileModels, syntheticPerson, useWasm } from '../../node/test-support';
import { rgbTensor } from '../tensor';
import { iou } from '../../../common/boxes';
import { COCO_LABELS, load, type ObjectDetector } from './index';

describe('centernet', () => {
  let model: ObjectDetector;
  beforeAll(async () => {
    await useWasm();
    model = await load(fileModels()('centernet'));
  });
  afterAll(() => model.dispose());

  it('returns labelled boxes inside the image and leaves no tensors behind', async () => {
    const image = rgbTensor(syntheticPerson(400, 600));
    await model.detect(image);
    const before = tf.memory().numTensors;
    const detections = await model.detect(image);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
    for (const d of detections) {
      expect(COCO_LABELS).toContain(d.label);
      expect(d.score).toBeGreaterThanOrEqual(0.1);
      expect(d.box[0]).toBeGreaterThanOrEqual(0);
      expect(d.box[0] + d.box[2]).toBeLessThanOrEqual(400.001);
      expect(d.box[1] + d.box[3]).toBeLessThanOrEqual(600.001);
    }
  });

  it('computes IoU of [x, y, w, h] boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 10, 10], [20, 20, 5, 5])).toBe(0);
  });
});
