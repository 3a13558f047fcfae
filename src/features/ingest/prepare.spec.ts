import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { checkBytes, MSG, PhotoRefused } from './prepare';

const jpg = (w: number, h: number): Uint8Array =>
  new Uint8Array(jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, 90) }, 80).data);

function refusal(b: Uint8Array): string {
  try {
    checkBytes(b);
  } catch (e) {
    if (e instanceof PhotoRefused) return e.message;
    throw e;
  }
  return 'accepted';
}

describe('checkBytes', () => {
  it('accepts a whole small JPEG', () => {
    expect(checkBytes(jpg(20, 10))).toBe('jpeg');
  });

  it('refuses an empty file', () => {
    expect(refusal(new Uint8Array())).toBe('the file is empty');
  });

  it('refuses a file that is not an image whatever its name', () => {
    expect(refusal(new TextEncoder().encode('<html>hello</html>'))).toBe('not a JPEG/PNG/WebP image');
  });

  it('refuses a 60 MP photo from its header alone', () => {
    // SOI + SOF0 of 10000 x 6000 and nothing else: there is nothing to decode.
    const header = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x17, 0x70, 0x27, 0x10, 3]);
    expect(refusal(header)).toBe('60.0 megapixels is over the 40 MP limit');
    expect(MSG.tooManyPixels(60)).toBe('60.0 megapixels is over the 40 MP limit');
  });

  it('refuses a truncated JPEG as corrupt', () => {
    const whole = jpg(64, 64);
    expect(refusal(whole.subarray(0, whole.length - 50))).toBe('the image data is corrupt or truncated');
    expect(refusal(whole.subarray(0, 8))).toBe('the image data is corrupt or truncated');
  });
});
