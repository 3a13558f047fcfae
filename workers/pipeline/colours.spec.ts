import { describe, expect, it } from 'vitest';
import { deltaE, dominantColours, nearestColourName, samplePixels } from './colours';

describe('colours', () => {
  it('names typical garment colours', () => {
    expect(nearestColourName([10, 10, 12])).toBe('black');
    expect(nearestColourName([250, 250, 250])).toBe('white');
    expect(nearestColourName([30, 40, 85])).toBe('navy');
    expect(nearestColourName([205, 25, 30])).toBe('red');
    expect(nearestColourName([125, 128, 130])).toBe('grey');
  });

  it('finds the dominant colours with their fractions, largest first', () => {
    const pixels = [...Array(70).fill([200, 30, 35]), ...Array(30).fill([245, 245, 245])];
    const colours = dominantColours(pixels);
    expect(colours.map((c) => c.name)).toEqual(['red', 'white']);
    expect(colours[0].fraction).toBeCloseTo(0.7);
    expect(colours[1].fraction).toBeCloseTo(0.3);
  });

  it('samples only masked pixels of a box', () => {
    const data = new Uint8Array(4 * 4 * 4).fill(255);
    const image = { width: 4, height: 4, data };
    expect(samplePixels(image, [0, 0, 4, 4])).toHaveLength(16);
    expect(samplePixels(image, [0, 0, 4, 4], (x) => (x < 2 ? 1 : 0))).toHaveLength(8);
  });

  it('measures colour difference', () => {
    expect(deltaE([100, 100, 100], [100, 100, 100])).toBe(0);
    expect(deltaE([0, 0, 0], [255, 255, 255])).toBeCloseTo(100, 0);
  });
});
