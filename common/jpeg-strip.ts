/**
 * Removes metadata from a JPEG without decoding it: every APPn segment except APP0 (JFIF) and APP14
 * (Adobe colour transform, needed to decode some CMYK/YCCK files) and every COM segment is dropped, so
 * no EXIF (GPS, camera, time), XMP or IPTC leaves the device inside a shared photo. The image data is
 * untouched. Throws on bytes that are not a well-formed JPEG up to its first SOS marker.
 */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG file');
  const keep: Uint8Array[] = [bytes.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`bad JPEG marker at byte ${i}`);
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xda) {
      // Start of scan: the entropy-coded data and everything after it is kept as is.
      keep.push(bytes.subarray(i));
      break;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    const end = i + 2 + length;
    if (length < 2 || end > bytes.length) throw new Error(`bad JPEG segment length at byte ${i}`);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const dropped = (isApp && marker !== 0xe0 && marker !== 0xee) || marker === 0xfe;
    if (!dropped) keep.push(bytes.subarray(i, end));
    i = end;
  }
  const out = new Uint8Array(keep.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of keep) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}
