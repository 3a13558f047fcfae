/** Dimension of item and look vectors: garment-net's fashion embedding (workers/models/garment-net). */
export const EMBEDDING_DIM = 128;

/** Bins per sRGB channel of a colour histogram (workers/pipeline/colours.ts colourHistogram): 4 x 4 x 4 = 64 bins. */
export const HISTOGRAM_BINS = 4;
export const HISTOGRAM_SIZE = HISTOGRAM_BINS ** 3;

/** Name and version of the IndexedDB database; migrations step through oldVersion in src/db. */
export const DB_NAME = 'mirror';
export const DB_VERSION = 5;

/** Photos larger than this many pixels are refused before decoding (60 MP photos must fail cleanly). */
export const MAX_PIXELS = 40_000_000;
/** Files larger than this are refused before reading (bytes). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Long side of the stored, re-encoded photo and of the thumbnail (pixels). */
export const STORED_LONG_SIDE = 1600;
export const THUMB_LONG_SIDE = 320;
