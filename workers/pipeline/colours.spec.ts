import { describe, expect, it } from 'vitest';
import { colourHistogram, deltaE, dominantColours, HISTOGRAM_SIZE, nearestColourName, samplePixels } from './colours';

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
    expect(samplePixels(image, [0, 0, 4, 4], (x) => x < 2)).toHaveLength(8);
  });

  it('makes a 4 x 4 x 4 colour histogram of shares, red-major', () => {
    const pixels = [...Array(3).fill([255, 0, 0]), [0, 0, 255], [70, 130, 200], [63, 64, 127]];
    const h = colourHistogram(pixels);
    expect(h).toHaveLength(HISTOGRAM_SIZE);
    expect(h[3 * 16]).toBeCloseTo(0.5); // red: r bin 3, g 0, b 0
    expect(h[3]).toBeCloseTo(1 / 6); // blue
    expect(h[1 * 16 + 2 * 4 + 3]).toBeCloseTo(1 / 6); // 70 -> 1, 130 -> 2, 200 -> 3
    expect(h[0 * 16 + 1 * 4 + 1]).toBeCloseTo(1 / 6); // 63 -> 0, 64 -> 1, 127 -> 1
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(colourHistogram([]).every((v) => v === 0)).toBe(true);
  });

  it('measures colour difference', () => {
    expect(deltaE([100, 100, 100], [100, 100, 100])).toBe(0);
    expect(deltaE([0, 0, 0], [255, 255, 255])).toBeCloseTo(100, 0);
  });
});
