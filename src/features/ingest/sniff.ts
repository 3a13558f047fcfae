/**
 * Pure byte-level checks run before a photo is decoded: what kind of image a file is (from its magic bytes,
 * never its name or MIME type) and how many pixels it has (from its header), so a 60 MP photo or a file
 * that is not an image is refused without spending memory on decoding it.
 */

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic';

/** Human names used in messages to the person. */
export const KIND_NAMES: Record<ImageKind, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
  heic: 'HEIC',
};

const ascii = (b: Uint8Array, start: number, length: number): string =>
  start + length > b.length ? '' : String.fromCharCode(...b.subarray(start, start + length));

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** ISO-BMFF `ftyp` brands (major and compatible) of an AVIF/HEIF file, or [] when there is no ftyp box. */
function ftypBrands(b: Uint8Array): string[] {
  if (ascii(b, 4, 4) !== 'ftyp') return [];
  const size = readU32(b, 0);
  const end = Math.min(b.length, size >= 16 ? size : 16);
  const brands = [ascii(b, 8, 4)];
  for (let o = 16; o + 4 <= end; o += 4) brands.push(ascii(b, o, 4));
  return brands;
}

/** The image kind from the first bytes of a file, or null when it is none of the kinds Mirror accepts. */
export function sniffImageKind(b: Uint8Array): ImageKind | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  const brands = ftypBrands(b);
  // AVIF files often carry `mif1` too, so an AVIF brand anywhere wins over the generic HEIF brands.
  if (brands.some((x) => AVIF_BRANDS.has(x))) return 'avif';
  if (brands.some((x) => HEIC_BRANDS.has(x))) return 'heic';
  return null;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
const readU16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
const readU16le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const readU24le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);

export interface Dimensions {
  width: number;
  height: number;
}

/** JPEG markers that start a frame (SOF0..SOF15 except DHT C4, JPG C8 and DAC CC); they hold the size. */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

interface JpegWalk {
  size: Dimensions | null;
  /** Offset of the first start-of-scan segment (entropy-coded data follows), or -1. */
  sos: number;
}

/** Walks JPEG segments from SOI, skipping APPn (EXIF and its embedded thumbnail) by their lengths. */
function walkJpeg(b: Uint8Array): JpegWalk {
  let o = 2;
  let size: Dimensions | null = null;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return { size, sos: -1 };
    const marker = b[o + 1];
    if (marker === 0xff) {
      o += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9) return { size, sos: -1 };
    const length = readU16(b, o + 2);
    if (length < 2) return { size, sos: -1 };
    if (isSof(marker) && o + 9 <= b.length) {
      // SOF: length(2) precision(1) height(2) width(2)
      size = { height: readU16(b, o + 5), width: readU16(b, o + 7) };
    }
    if (marker === 0xda) return { size, sos: o };
    o += 2 + length;
  }
  return { size, sos: -1 };
}

/**
 * True when a JPEG has its end-of-image marker after its first scan. Entropy-coded data stuffs every 0xFF
 * with 0x00, so FF D9 after the first SOS can only be the real EOI; a file cut short has none. Bytes after
 * the EOI (some phones append data there) do not matter.
 */
export function jpegIsComplete(b: Uint8Array): boolean {
  const { sos } = walkJpeg(b);
  if (sos < 0) return false;
  for (let i = b.length - 2; i > sos; i--) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  }
  return false;
}

/** Finds a top-level-or-nested ISO-BMFF `ispe` (image spatial extents) property; the largest one wins. */
function ispeSize(b: Uint8Array): Dimensions | null {
  let best: Dimensions | null = null;
  const limit = Math.min(b.length, 1 << 20); // meta boxes sit near the start; 1 MiB is plenty
  for (let i = 4; i + 16 <= limit; i++) {
    // box: size(4) 'ispe'(4) version/flags(4) width(4) height(4)
    if (b[i] === 0x69 && b[i + 1] === 0x73 && b[i + 2] === 0x70 && b[i + 3] === 0x65) {
      const size = { width: readU32(b, i + 8), height: readU32(b, i + 12) };
      if (!best || size.width * size.height > best.width * best.height) best = size;
    }
  }
  return best;
}

/**
 * Width and height in pixels read from the header, without decoding; null when the header is missing or
 * cut short. (Not yet rotated by EXIF orientation; the pixel count is the same either way.)
 */
export function readDimensions(b: Uint8Array, kind: ImageKind): Dimensions | null {
  switch (kind) {
    case 'jpeg':
      return walkJpeg(b).size;
    case 'png':
      // signature(8) length(4) 'IHDR'(4) width(4) height(4)
      if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
      return { width: readU32(b, 16), height: readU32(b, 20) };
    case 'gif':
      if (b.length < 10) return null;
      return { width: readU16le(b, 6), height: readU16le(b, 8) };
    case 'webp': {
      const chunk = ascii(b, 12, 4);
      if (chunk === 'VP8X' && b.length >= 30) {
        // flags(4) then canvas width-1 (24 bit LE) and height-1 (24 bit LE)
        return { width: readU24le(b, 24) + 1, height: readU24le(b, 27) + 1 };
      }
      if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
        // 14 bits width-1, 14 bits height-1, packed little-endian after the 0x2f signature
        const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
        return { width: readU16le(b, 26) & 0x3fff, height: readU16le(b, 28) & 0x3fff };
      }
      return null;
    }
    case 'avif':
    case 'heic':
      return ispeSize(b);
  }
}

export const megapixels = (d: Dimensions): number => (d.width * d.height) / 1_000_000;
