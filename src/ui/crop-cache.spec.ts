import { describe, expect, it } from 'vitest';
import { cachedCrop, cachedCrops, MAX_CROPS } from './crop-cache';

const bitmap = (n: number) => ({ width: n }) as unknown as ImageBitmap;

describe('crop cache', () => {
  it('makes a crop once per key, keeps the most recently used, and forgets failures', async () => {
    let made = 0;
    const make = (n: number) => () => (made++, Promise.resolve(bitmap(n)));
    const a = await cachedCrop('look-a|0,0,10,10|10x10', make(1));
    expect(await cachedCrop('look-a|0,0,10,10|10x10', make(2))).toBe(a);
    expect(made).toBe(1);

    for (let i = 0; i < MAX_CROPS - 1; i++) await cachedCrop(`other-${i}`, make(i));
    await cachedCrop('look-a|0,0,10,10|10x10', make(3)); // used again: now the most recent
    await cachedCrop('one-more', make(4)); // pushes out the oldest, other-0
    expect(cachedCrops()).toBe(MAX_CROPS);
    const before = made;
    expect(await cachedCrop('look-a|0,0,10,10|10x10', make(5))).toBe(a);
    await cachedCrop('other-0', make(6));
    expect(made).toBe(before + 1);

    await expect(cachedCrop('broken', () => Promise.reject(new Error('not an image')))).rejects.toThrow('not an image');
    await Promise.resolve();
    expect(await cachedCrop('broken', make(7))).toEqual(bitmap(7));
  });
});
