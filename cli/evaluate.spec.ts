import { describe, expect, it } from 'vitest';
import type { CcpPhoto } from './datasets';
import { iou as boxIou, unionBox } from '../common/boxes';
import { labelMap, scorePhotos } from './evaluate';

const labels = labelMap({ ccp: { top: ['blouse', 'shirt'], bottom: ['skirt'], shoes: ['shoes'], bag: ['bag'] } });

describe('garment box scoring', () => {
  it('unions boxes and measures IoU', () => {
    expect(unionBox([[0, 0, 10, 10], [20, 5, 10, 10]])).toEqual([0, 0, 30, 15]);
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 20])).toBeCloseTo(0.5);
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
});
