/**
 * Image fixtures made by the tests themselves (no data set needed): small JPEGs drawn in code, an EXIF
 * segment with orientation, capture date and GPS, and the kinds of bad input a person may add.
 */
import jpeg from 'jpeg-js';

export type Rgb = [number, number, number];

/** A w x h JPEG whose pixel colour is paint(x, y). */
export function makeJpeg(width: number, height: number, paint: (x: number, y: number) => Rgb, quality = 90): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, quality).data);
}

/** A simple figure on a light background: enough for the pipeline to run end to end. */
export function makeFigureJpeg(width = 240, height = 360, shirt: Rgb = [200, 40, 40], trousers: Rgb = [30, 40, 120]): Buffer {
  return makeJpeg(width, height, (x, y) => {
    const cx = width / 2;
    const u = y / height;
    if (u > 0.05 && u < 0.17 && Math.abs(x - cx) < width * 0.07) return [225, 180, 150]; // head
    if (u >= 0.17 && u < 0.5 && Math.abs(x - cx) < width * 0.17) return shirt;
    if (u >= 0.5 && u < 0.88 && Math.abs(x - cx) < width * 0.14 && Math.abs(x - cx) > width * 0.01) return trousers;
    if (u >= 0.88 && u < 0.94 && Math.abs(x - cx) < width * 0.16) return [20, 20, 20]; // shoes
    return [236, 236, 230];
  });
}

interface ExifOptions {
  /** EXIF Orientation 1..8. */
  orientation: number;
  /** 'YYYY:MM:DD HH:MM:SS' */
  dateTimeOriginal: string;
  /** Degrees, north and east positive. */
  latitude: number;
  longitude: number;
}

/** Inserts an APP1 Exif segment (big-endian TIFF) right after the JPEG's SOI marker. */
export function withExif(jpegBytes: Buffer, opts: ExifOptions): Buffer {
  const tiff = Buffer.alloc(190);
  let p = 0;
  const u16 = (v: number) => { tiff.writeUInt16BE(v, p); p += 2; };
  const u32 = (v: number) => { tiff.writeUInt32BE(v, p); p += 4; };
  const entry = (tag: number, type: number, count: number, value: number, inlineShort = false) => {
    u16(tag); u16(type); u32(count);
    if (inlineShort) { u16(value); u16(0); } else u32(value);
  };
  // Offsets below are relative to the TIFF header (see the layout in the comment of each block).
  tiff.write('MM', 0, 'ascii'); p = 2; u16(0x2a); u32(8);
  // IFD0 at 8: Orientation, ExifIFD pointer (50), GPS IFD pointer (68); 3 entries -> ends at 50.
  u16(3);
  entry(0x0112, 3, 1, opts.orientation, true);
  entry(0x8769, 4, 1, 50);
  entry(0x8825, 4, 1, 68);
  u32(0);
  // Exif IFD at 50: DateTimeOriginal (ASCII, 20 bytes at 122); ends at 68.
  u16(1);
  entry(0x9003, 2, 20, 122);
  u32(0);
  // GPS IFD at 68: LatitudeRef, Latitude (at 142), LongitudeRef, Longitude (at 166); ends at 122.
  u16(4);
  u16(0x0001); u16(2); u32(2); tiff.write(opts.latitude >= 0 ? 'N' : 'S', p, 'ascii'); p += 4;
  entry(0x0002, 5, 3, 142);
  u16(0x0003); u16(2); u32(2); tiff.write(opts.longitude >= 0 ? 'E' : 'W', p, 'ascii'); p += 4;
  entry(0x0004, 5, 3, 166);
  u32(0);
  tiff.write(opts.dateTimeOriginal.padEnd(19, ' ').slice(0, 19) + '\0', 122, 'ascii');
  const rational3 = (deg: number, at: number) => {
    const a = Math.abs(deg);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 100);
    [d, 1, m, 1, s, 100].forEach((v, i) => tiff.writeUInt32BE(v, at + i * 4));
  };
  rational3(opts.latitude, 142);
  rational3(opts.longitude, 166);

  const header = Buffer.from('Exif\0\0', 'binary');
  const len = 2 + header.length + tiff.length;
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, len >> 8, len & 0xff]), header, tiff]);
  return Buffer.concat([jpegBytes.subarray(0, 2), app1, jpegBytes.subarray(2)]);
}

/** Rewrites the frame size in a JPEG's SOF0 header: a file that claims to be width x height pixels. */
export function withClaimedSize(jpegBytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpegBytes);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) throw new Error('not a JPEG segment');
    const marker = out[i + 1];
    const len = out.readUInt16BE(i + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

/** The first bytes of an HEIC file (ftyp box with the heic brand) followed by junk. */
export function heicBytes(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypheic', 4, 'ascii');
  ftyp.writeUInt32BE(0, 12);
  ftyp.write('mif1heic', 16, 'ascii');
  return Buffer.concat([ftyp, Buffer.alloc(2000, 7)]);
}

/** Scans JPEG bytes for an APP1 Exif segment. */
export function hasExif(bytes: Uint8Array): boolean {
  const s = Buffer.from(bytes).toString('latin1');
  return s.includes('Exif\0\0');
}

/**
 * A figure photo taken on `day` ('YYYY:MM:DD', at 10:00), for tests of the day a look was worn. No place is given
 * (the GPS block then names none that exists).
 */
export function wornOn(day: string, shirt: Rgb): Buffer {
  return withExif(makeFigureJpeg(220, 330, shirt), { orientation: 1, dateTimeOriginal: `${day} 10:00:00` } as ExifOptions);
}
