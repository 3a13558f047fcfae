import { describe, expect, it } from 'vitest';
import type { CcpPhoto } from './datasets';
import { areaIou, iou as boxIou, unionBox } from '../common/boxes';
import { bootstrapMacro, labelMap, macro, REPORTED_COVER, reportedGarments, scorePhotos } from './evaluate';

const labels = labelMap({ ccp: { top: ['blouse', 'shirt'], bottom: ['skirt'], shoes: ['shoes'], bag: ['bag'] } });

describe('garment box scoring', () => {
  it('unions boxes and measures IoU', () => {
    expect(unionBox([[0, 0, 10, 10], [20, 5, 10, 10]])).toEqual([0, 0, 30, 15]);
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 20])).toBeCloseTo(0.5);
  });

  it('measures the IoU of the areas sets of boxes cover, overlaps counted once', () => {
    expect(areaIou([[0, 0, 10, 10]], [[0, 0, 10, 20]])).toBeCloseTo(0.5);
    // Two shoes found one by one against the pair's one box: 200 of its 300 pixels.
    expect(areaIou([[0, 0, 30, 10]], [[0, 0, 10, 10], [20, 0, 10, 10]])).toBeCloseTo(2 / 3);
    // Overlapping boxes: the area 15 x 10 = 150 against 10 x 10 inside it.
    expect(areaIou([[0, 0, 10, 10], [5, 0, 10, 10]], [[0, 0, 10, 10]])).toBeCloseTo(100 / 150);
    expect(areaIou([[0, 0, 1, 1]], [[5, 5, 1, 1]])).toBe(0);
    expect(areaIou([], [])).toBe(0);
  });

  it('reads a union of boxes apart as their union box or as the area they cover', () => {
    const photos: CcpPhoto[] = [{
      id: 'a', width: 100, height: 100, split: 'val', kind: 'pixel',
      items: [{ label: 'shoes', box: [20, 80, 60, 10], pixels: 400 }],
    }];
    const pred = { a: { items: [{ category: 'shoes', box: [20, 80, 14, 10] as [number, number, number, number] }, { category: 'shoes', box: [66, 80, 14, 10] as [number, number, number, number] }] } };
    expect(scorePhotos(photos, pred, labels).shoes.hits).toBe(1); // the two boxes' union box is the pair's
    expect(scorePhotos(photos, pred, labels, { reading: 'area' }).shoes.hits).toBe(0); // they cover 280 of its 600 pixels
    expect(macro(scorePhotos(photos, pred, labels))).toEqual({ recall: 1 / 6, precision: 1 / 6 });
  });

  it('scores per category: hits, misses, false positives and too-small categories', () => {
    const photos: CcpPhoto[] = [{
      id: 'a', width: 100, height: 100, split: 'val', kind: 'pixel',
      items: [
        { label: 'blouse', box: [10, 10, 40, 30], pixels: 900 },
        { label: 'shirt', box: [20, 10, 40, 30], pixels: 300 },
        { label: 'skirt', box: [20, 40, 30, 30], pixels: 600 },
        { label: 'shoes', box: [20, 90, 10, 5], pixels: 50 }, // 0.5% of the photo: not scored
      ],
    }];
    const scores = scorePhotos(photos, {
      a: { items: [
        { category: 'top', box: [10, 10, 50, 30] }, // the union of blouse and shirt: a hit
        { category: 'bottom', box: [60, 60, 30, 30] }, // a miss
        { category: 'shoes', box: [20, 90, 10, 5] }, // too small in the truth: left out
        { category: 'bag', box: [0, 0, 5, 5] }, // nothing there: a false positive
      ] },
    }, labels);
    expect(scores.top).toMatchObject({ present: 1, predicted: 1, hits: 1, recall: 1, precision: 1 });
    expect(scores.bottom).toMatchObject({ present: 1, predicted: 1, hits: 0, recall: 0, precision: 0 });
    expect(scores.shoes).toMatchObject({ present: 0, predicted: 0 });
    expect(scores.bag).toMatchObject({ present: 0, predicted: 1, hits: 0, precision: 0 });
  });

  it('takes a category under 1% of the photo as absent when asked: a prediction there is a false positive', () => {
    const photos: CcpPhoto[] = [{
      id: 'a', width: 100, height: 100, split: 'val', kind: 'pixel',
      items: [{ label: 'shoes', box: [20, 90, 10, 5], pixels: 50 }],
    }];
    const pred = { a: { items: [{ category: 'shoes', box: [20, 90, 10, 5] as [number, number, number, number] }] } };
    expect(scorePhotos(photos, pred, labels).shoes).toMatchObject({ present: 0, predicted: 0 });
    expect(scorePhotos(photos, pred, labels, { small: 'absent' }).shoes).toMatchObject({ present: 0, predicted: 1, hits: 0 });
  });

  it('reports the garments that cover enough of the photo to be scored, and every one when asked', () => {
    const garments = [{ id: 'pair of shoes far away', cover: 0.006 }, { id: 'top', cover: 0.08 }, { id: 'at the line', cover: REPORTED_COVER }, { id: 'stored before covers' }];
    expect(reportedGarments(garments).map((g) => g.id)).toEqual(['top', 'at the line', 'stored before covers']);
    expect(reportedGarments(garments, 0)).toHaveLength(4);
  });

  it('says how much the macro figures rest on the photos drawn (bootstrap over photos, seeded)', () => {
    // 20 photos with one blouse and one bag each; the top is found in all, the bag in the first 10 only.
    const photos: CcpPhoto[] = Array.from({ length: 20 }, (_, k) => ({
      id: `p${k}`, width: 100, height: 100, split: 'val', kind: 'pixel' as const,
      items: [{ label: 'blouse', box: [10, 10, 40, 30] as [number, number, number, number], pixels: 900 },
        { label: 'bag', box: [60, 50, 20, 20] as [number, number, number, number], pixels: 300 }],
    }));
    const pred = Object.fromEntries(photos.map((p, k) => [p.id, { items: [
      { category: 'top', box: [10, 10, 40, 30] as [number, number, number, number] },
      ...(k < 10 ? [{ category: 'bag', box: [60, 50, 20, 20] as [number, number, number, number] }] : []),
    ] }]));
    const whole = macro(scorePhotos(photos, pred, labels)); // recall (1 + 0.5) / 6, precision (1 + 1) / 6
    const m = bootstrapMacro(photos, pred, labels, { draws: 400, seed: 3, target: 0.25 });
    expect(m.draws).toBe(400);
    expect(m.recall[0]).toBeLessThan(whole.recall);
    expect(m.recall[1]).toBeGreaterThan(whole.recall);
    expect(m.precision).toEqual([2 / 6, 2 / 6]); // every prediction is a hit in every draw
    expect(m.bothAtTarget).toBeGreaterThan(0.45); // P(at least 10 of 20 drawn bags found) = 0.59
    expect(m.bothAtTarget).toBeLessThan(0.72);
    expect(bootstrapMacro(photos, pred, labels, { draws: 400, seed: 3, target: 0.25 })).toEqual(m);
    // All found: no spread.
    const all = Object.fromEntries(photos.map((p) => [p.id, { items: [{ category: 'top', box: [10, 10, 40, 30] as [number, number, number, number] }, { category: 'bag', box: [60, 50, 20, 20] as [number, number, number, number] }] }]));
    expect(bootstrapMacro(photos, all, labels, { draws: 50 })).toMatchObject({ recall: [2 / 6, 2 / 6], precision: [2 / 6, 2 / 6], bothAtTarget: 0 });
  });
});
