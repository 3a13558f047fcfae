import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { jpegIsComplete, readDimensions, sniffImageKind } from './sniff';

/** A real baseline JPEG of the given size, encoded by jpeg-js. */
function makeJpeg(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4, 128);
  return new Uint8Array(jpeg.encode({ width, height, data }, 80).data);
}

function makePng(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return new Uint8Array(PNG.sync.write(png));
}

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const u16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];

/** Inserts an APP1 segment (as EXIF would be) right after SOI; its payload contains a stray FF D9. */
function withApp1(jpg: Uint8Array): Uint8Array {
  const payload = [...bytes('Exif', [0, 0]), 0xff, 0xd9, 1, 2, 3];
  const app1 = [0xff, 0xe1, ...u16(payload.length + 2), ...payload];
  return new Uint8Array([...jpg.subarray(0, 2), ...app1, ...jpg.subarray(2)]);
}

describe('sniffImageKind', () => {
  it('recognises JPEG and PNG from real encoder output', () => {
    expect(sniffImageKind(makeJpeg(8, 4))).toBe('jpeg');
    expect(sniffImageKind(makePng(8, 4))).toBe('png');
  });

  it('recognises WebP, GIF, AVIF and HEIC by their magic bytes', () => {
    expect(sniffImageKind(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageKind(bytes('GIF89a', [1, 0, 1, 0]))).toBe('gif');
    expect(sniffImageKind(bytes(u32(24), 'ftypavif', [0, 0, 0, 0], 'mif1miaf'))).toBe('avif');
    // An AVIF whose major brand is the generic mif1 is still AVIF.
    expect(sniffImageKind(bytes(u32(24), 'ftypmif1', [0, 0, 0, 0], 'avifmiaf'))).toBe('avif');
    expect(sniffImageKind(bytes(u32(24), 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe('heic');
  });

  it('refuses text, video and empty input', () => {
    expect(sniffImageKind(bytes('this is not an image'))).toBeNull();
    expect(sniffImageKind(bytes(u32(24), 'ftypisom', [0, 0, 0, 0], 'isomavc1'))).toBeNull();
    expect(sniffImageKind(new Uint8Array())).toBeNull();
  });
});

describe('readDimensions', () => {
  it('reads a JPEG size from its SOF segment, skipping an EXIF segment', () => {
    expect(readDimensions(makeJpeg(37, 21), 'jpeg')).toEqual({ width: 37, height: 21 });
    expect(readDimensions(withApp1(makeJpeg(37, 21)), 'jpeg')).toEqual({ width: 37, height: 21 });
  });

  it('reads a 60 MP JPEG header without any pixel data', () => {
    const header = bytes([0xff, 0xd8], [0xff, 0xc0], u16(17), [8], u16(6000), u16(10000), [3]);
    expect(readDimensions(header, 'jpeg')).toEqual({ width: 10000, height: 6000 });
  });

  it('reads a PNG size from IHDR', () => {
    expect(readDimensions(makePng(123, 45), 'png')).toEqual({ width: 123, height: 45 });
  });

  it('reads WebP sizes from VP8X, VP8L and VP8 headers', () => {
    const vp8x = bytes('RIFF', u32(0), 'WEBPVP8X', u32(10), [0, 0, 0, 0], [0x3f, 0x1f, 0], [0x0f, 0x27, 0]);
    expect(readDimensions(vp8x, 'webp')).toEqual({ width: 8000, height: 10000 });
    // VP8L: 14-bit width-1 = 99, 14-bit height-1 = 49, packed little-endian.
    const bits = 99 | (49 << 14);
    const vp8l = bytes('RIFF', u32(0), 'WEBPVP8L', u32(5), [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]);
    expect(readDimensions(vp8l, 'webp')).toEqual({ width: 100, height: 50 });
    const vp8 = bytes('RIFF', u32(0), 'WEBPVP8 ', u32(10), [0, 0, 0], [0x9d, 0x01, 0x2a], [64, 1], [200, 0]);
    expect(readDimensions(vp8, 'webp')).toEqual({ width: 320, height: 200 });
  });

  it('reads GIF and HEIF (ispe) sizes', () => {
    expect(readDimensions(bytes('GIF89a', [0x40, 0x01, 0xc8, 0x00]), 'gif')).toEqual({ width: 320, height: 200 });
    const heic = bytes(u32(24), 'ftypheic', [0, 0, 0, 0], 'mif1heic', u32(20), 'ispe', [0, 0, 0, 0], u32(4032), u32(3024));
    expect(readDimensions(heic, 'heic')).toEqual({ width: 4032, height: 3024 });
  });

  it('returns null for a header cut short', () => {
    expect(readDimensions(makeJpeg(16, 16).subarray(0, 20), 'jpeg')).toBeNull();
    expect(readDimensions(makePng(16, 16).subarray(0, 16), 'png')).toBeNull();
  });
});

describe('jpegIsComplete', () => {
  it('accepts a whole JPEG, also with bytes after its end', () => {
    const jpg = makeJpeg(32, 32);
    expect(jpegIsComplete(jpg)).toBe(true);
    expect(jpegIsComplete(new Uint8Array([...jpg, 0, 0, 0, 1, 2]))).toBe(true);
  });

  it('refuses a JPEG cut in its scan data even when EXIF holds an FF D9', () => {
    const jpg = withApp1(makeJpeg(64, 64));
    expect(jpegIsComplete(jpg.subarray(0, jpg.length - 40))).toBe(false);
  });
});
