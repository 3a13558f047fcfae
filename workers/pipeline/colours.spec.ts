import { describe, expect, it } from 'vitest';
import { mergeNamed, nearestColourName, renameColours } from '../../common/colour-names';
import { colourHistogram, deltaE, dominantColours, HISTOGRAM_SIZE, productColours, samplePixels } from './colours';

describe('colours', () => {
  it('names typical garment colours', () => {
    expect(nearestColourName([10, 10, 12])).toBe('black');
    expect(nearestColourName([250, 250, 250])).toBe('white');
    expect(nearestColourName([30, 40, 85])).toBe('navy');
    expect(nearestColourName([205, 25, 30])).toBe('red');
    expect(nearestColourName([125, 128, 130])).toBe('grey');
  });

  // Cluster colours measured on CCP photos (workers/pipeline/colours.ts on the garments' masks), which the palette of
  // single swatches named wrong (docs/garment-models.md, "Colour names").
  it('names light, dark and muted garment colours by their hue', () => {
    expect(nearestColourName([46, 9, 20])).toBe('burgundy'); // a burgundy coat in shadow (was black)
    expect(nearestColourName([42, 8, 12])).toBe('burgundy'); // a wine-red beanie (was black)
    expect(nearestColourName([130, 177, 231])).toBe('blue'); // a light blue denim shirt (was grey)
    expect(nearestColourName([137, 157, 235])).toBe('blue'); // a periwinkle blouse (a lavender shade of purple took it)
    expect(nearestColourName([178, 127, 117])).toBe('pink'); // dusty pink trousers (was grey)
    expect(nearestColourName([66, 101, 117])).toBe('teal'); // a petrol bag (was grey)
    expect(nearestColourName([222, 204, 126])).toBe('yellow'); // a pale yellow purse (was beige)
    expect(nearestColourName([190, 193, 203])).toBe('white'); // a white top in shade
    expect(nearestColourName([44, 46, 49])).toBe('black'); // a black jacket in light
    expect(nearestColourName([30, 17, 14])).toBe('black'); // near-black with a warm cast stays black
  });

  it('finds the dominant colours with their fractions, largest first', () => {
    const pixels = [...Array(70).fill([200, 30, 35]), ...Array(30).fill([245, 245, 245])];
    const colours = dominantColours(pixels);
    expect(colours.map((c) => c.name)).toEqual(['red', 'white']);
    expect(colours[0].fraction).toBeCloseTo(0.7);
    expect(colours[1].fraction).toBeCloseTo(0.3);
  });

  it('merges parts of one name, weighting their colour by their share', () => {
    // A coat's shadow and its lit side: two names under the old palette, one now.
    const merged = mergeNamed([
      { rgb: [46, 9, 20], fraction: 0.6 },
      { rgb: [92, 17, 39], fraction: 0.4 },
      { rgb: [245, 245, 245], fraction: 0 },
    ]);
    expect(merged).toEqual([{ name: 'burgundy', rgb: [64, 12, 28], fraction: 1 }]);
    expect(renameColours([{ name: 'black', rgb: [46, 9, 20], fraction: 0.6 }, { name: 'grey', rgb: [130, 177, 231], fraction: 0.3 }])).toEqual([
      { name: 'burgundy', rgb: [46, 9, 20], fraction: 0.6 },
      { name: 'blue', rgb: [130, 177, 231], fraction: 0.3 },
    ]);
    expect(renameColours(undefined)).toEqual([]);
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

  it('measures a product photo\'s garment without its background', () => {
    // A red tee on a white backdrop with a grey shadow: the backdrop and the shadow touch the border, the tee does not.
    const w = 100;
    const h = 120;
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const tee = x >= 25 && x < 75 && y >= 20 && y < 100;
        const rgb = tee ? [200, 20, 30] : y > 100 ? [150, 150, 150] : [250, 250, 250];
        data.set([...rgb, 255], (y * w + x) * 4);
      }
    }
    const { colours, histogram } = productColours({ width: w, height: h, data });
    expect(colours.map((c) => c.name)).toEqual(['red']);
    expect(histogram[3 * 16]).toBeCloseTo(1); // all of it in the red bin
    // A close-up that fills the photo, border included: the whole photo is the garment.
    const full = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) full.set([15, 15, 15, 255], i * 4);
    expect(productColours({ width: w, height: h, data: full }).colours.map((c) => c.name)).toEqual(['black']);
  });

  it('measures colour difference', () => {
    expect(deltaE([100, 100, 100], [100, 100, 100])).toBe(0);
    expect(deltaE([0, 0, 0], [255, 255, 255])).toBeCloseTo(100, 0);
  });
});
