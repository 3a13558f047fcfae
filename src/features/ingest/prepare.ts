/**
 * Turns a file the person chose into what Mirror stores: checks it (size, kind, pixel count) before
 * decoding, reads the EXIF date, decodes it upright and re-encodes it as a JPEG without any metadata
 * (so GPS and camera data never reach storage), plus a thumbnail. Runs on the page: OffscreenCanvas and
 * createImageBitmap are all it needs, and the photo never leaves the device.
 */
import exifr from 'exifr';
import { MAX_FILE_BYTES, MAX_PIXELS, STORED_LONG_SIDE, THUMB_LONG_SIDE } from '../../../common/constants';
import { KIND_NAMES, jpegIsComplete, megapixels, readDimensions, sniffImageKind, type ImageKind } from './sniff';

/** A problem with one file, worded for the person; the file name is added by the caller. */
export class PhotoRefused extends Error {
  override name = 'PhotoRefused';
}

export interface PreparedPhoto {
  photo: Blob;
  thumb: Blob;
  width: number;
  height: number;
  takenAt?: number;
}

export const MSG = {
  empty: 'the file is empty',
  tooLarge: (bytes: number) =>
    `${(bytes / 1024 / 1024).toFixed(1)} MB is over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit`,
  notImage: 'not a JPEG/PNG/WebP image',
  tooManyPixels: (mp: number) => `${mp.toFixed(1)} megapixels is over the ${MAX_PIXELS / 1_000_000} MP limit`,
  corrupt: 'the image data is corrupt or truncated',
  cannotDecode: (kind: ImageKind) => `this browser cannot decode ${KIND_NAMES[kind]} images`,
} as const;

/** The checks that need only the bytes; exported for tests. Returns the kind when the file may be decoded. */
export function checkBytes(bytes: Uint8Array): ImageKind {
  if (bytes.length === 0) throw new PhotoRefused(MSG.empty);
  if (bytes.length > MAX_FILE_BYTES) throw new PhotoRefused(MSG.tooLarge(bytes.length));
  const kind = sniffImageKind(bytes);
  if (!kind) throw new PhotoRefused(MSG.notImage);
  const size = readDimensions(bytes, kind);
  if (size && size.width * size.height > MAX_PIXELS) throw new PhotoRefused(MSG.tooManyPixels(megapixels(size)));
  if (!size && (kind === 'jpeg' || kind === 'png' || kind === 'webp' || kind === 'gif')) {
    // These formats always carry their size at the start; without it the file is cut short or damaged.
    throw new PhotoRefused(MSG.corrupt);
  }
  if (kind === 'jpeg' && !jpegIsComplete(bytes)) throw new PhotoRefused(MSG.corrupt);
  return kind;
}

async function readTakenAt(bytes: Uint8Array): Promise<number | undefined> {
  try {
    const tags = await exifr.parse(bytes, ['DateTimeOriginal', 'CreateDate']);
    const date: unknown = tags?.DateTimeOriginal ?? tags?.CreateDate;
    if (date instanceof Date && !Number.isNaN(date.getTime())) return date.getTime();
  } catch {
    // No or unreadable EXIF: the look is dated by when it was added.
  }
  return undefined;
}

function fit(width: number, height: number, longSide: number): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function encode(source: CanvasImageSource, width: number, height: number, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  // JPEG has no alpha: transparent PNG/WebP areas become white rather than black.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  if (file.size === 0) throw new PhotoRefused(MSG.empty);
  if (file.size > MAX_FILE_BYTES) throw new PhotoRefused(MSG.tooLarge(file.size));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = checkBytes(bytes);
  const takenAt = await readTakenAt(bytes);

  let bitmap: ImageBitmap;
  try {
    // 'from-image' applies the EXIF orientation, so the stored photo is upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoRefused(kind === 'heic' || kind === 'avif' ? MSG.cannotDecode(kind) : MSG.corrupt);
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) {
      throw new PhotoRefused(MSG.tooManyPixels(megapixels(bitmap)));
    }
    const stored = fit(bitmap.width, bitmap.height, STORED_LONG_SIDE);
    const photo = await encode(bitmap, stored.width, stored.height, 0.9);
    const small = fit(bitmap.width, bitmap.height, THUMB_LONG_SIDE);
    const thumb = await encode(bitmap, small.width, small.height, 0.8);
    return { photo, thumb, width: stored.width, height: stored.height, takenAt };
  } finally {
    bitmap.close();
  }
}
