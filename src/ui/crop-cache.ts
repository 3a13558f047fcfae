/**
 * Garment crops already drawn, by a key the caller gives (the look's id and the box: a stored photo never changes),
 * so that a view that re-reads its records, or another view showing the same garment, does not decode the photo
 * again. Each crop is a full decode of its photo: the wardrobe re-read its pieces after every rename, price or
 * split and decoded every shown photo again. Least recently used first out; at most `MAX_CROPS` crops
 * (96-160 px square bitmaps, at most 100 kB each).
 */
export const MAX_CROPS = 240;

const crops = new Map<string, Promise<ImageBitmap>>();

/** The crop under `key`, made by `make` the first time (a failed one is not kept). */
export function cachedCrop(key: string, make: () => Promise<ImageBitmap>): Promise<ImageBitmap> {
  const known = crops.get(key);
  if (known) {
    crops.delete(key); // re-inserted below: Map order is the recency order
    crops.set(key, known);
    return known;
  }
  const made = make();
  crops.set(key, made);
  made.catch(() => crops.get(key) === made && crops.delete(key));
  // Evicted bitmaps are left to the garbage collector rather than closed: a canvas may be about to draw one.
  while (crops.size > MAX_CROPS) crops.delete(crops.keys().next().value!);
  return made;
}

/** How many crops are kept (tests). */
export const cachedCrops = (): number => crops.size;
