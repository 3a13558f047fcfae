import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../common/categories';
import { garmentLabel, hasTypeChoice, typeFits, typesOf } from './garment-types';
import { placeLabels } from './labels';

describe('garment types', () => {
  it('gives each category the fine labels that fit it, and none to bags and accessories', () => {
    expect(typesOf('top')).toEqual(['Longsleeve', 'Shirt', 'T-Shirt']);
    expect(typesOf('bottom')).toEqual(['Pants', 'Shorts', 'Skirt']);
    expect(typesOf('bag')).toEqual([]);
    expect(CATEGORIES.flatMap(typesOf)).toHaveLength(10);
    expect(CATEGORIES.filter(hasTypeChoice)).toEqual(['top', 'bottom']);
  });

  it('names a garment "category · type" when the type refines the category and fits it', () => {
    expect(garmentLabel({ category: 'top', type: { label: 'T-Shirt', score: 0.9 } })).toBe('top · t-shirt');
    expect(garmentLabel({ category: 'bottom', type: { label: 'Pants', score: 0.5 } })).toBe('bottom · trousers');
    // A dress is a dress: nothing to add. A type of another category (stale after a correction) is not shown.
    expect(garmentLabel({ category: 'dress', type: { label: 'Dress', score: 0.9 } })).toBe('dress');
    expect(garmentLabel({ category: 'bottom', type: { label: 'Shirt', score: 0.9 } })).toBe('bottom');
    expect(garmentLabel({ category: 'bag' })).toBe('bag');
    expect(typeFits({ label: 'Skirt', score: 1 }, 'bottom')).toBe(true);
    expect(typeFits({ label: 'Skirt', score: 1 }, 'dress')).toBe(false);
  });

  it('places the longer labels over the photo without covering each other', () => {
    const texts = ['1 top · long sleeve', '2 bottom · trousers'];
    const [a, b] = placeLabels([{ box: [10, 100, 50, 80], text: texts[0] }, { box: [12, 102, 50, 80], text: texts[1] }], 10, { width: 300, height: 400 });
    expect(a.width).toBeGreaterThan(texts[0].length * 6 - 1);
    expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });
});
