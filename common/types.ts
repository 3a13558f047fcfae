/**
 * Plain-data types that cross realms (page <-> workers <-> CLI). Nothing here imports tfjs or the DOM.
 */
import type { Category } from './categories';

/** [x, y, w, h] in the photo's pixels, origin top-left. */
export type Box = [number, number, number, number];

/** A decoded image as RGBA bytes, row-major: data.length === width * height * 4. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** A named colour with the fraction (0..1) of the garment's pixels closest to it. */
export interface GarmentColour {
  name: string;
  rgb: [number, number, number];
  fraction: number;
}

export interface Person {
  box: Box;
  score: number;
  /** MoveNet's 17 COCO keypoints in photo pixels: [x, y, score]; empty in an Analysis (VisionApi.peopleBlob adds them). */
  keypoints: [number, number, number][];
}

export interface DetectedGarment {
  category: Category;
  box: Box;
  /** 0..1 confidence. */
  score: number;
  /** Share of the photo the detector's cells of the garment cover (0..1); absent on garments stored before it existed. */
  cover?: number;
  colours: GarmentColour[];
  /** Colour histogram of the garment's pixels (workers/pipeline/colours.ts colourHistogram: 64 shares). */
  histogram: number[];
  /** The fine type from garment-net (one of categories.json's clothing_fine_labels that fits the category); absent where none fits (bag, accessory). */
  type?: GarmentTypeGuess;
  /** L2-normalised item embedding (EMBEDDING_DIM). */
  embedding: Float32Array;
}

/** A garment's fine type (e.g. "T-Shirt") with garment-net's probability for it (0..1). */
export interface GarmentTypeGuess {
  label: string;
  score: number;
}

/**
 * What embedding garments of a stored photo gives (boxes and categories kept: a model update, or an item the person
 * marked): one entry per garment asked for, in order, with the colours of the same pixels as analysis gives them.
 */
export interface Reembedding {
  garments: { type?: GarmentTypeGuess; embedding: Float32Array; colours: GarmentColour[]; histogram: number[] }[];
  lookEmbedding: Float32Array;
  modelVersion: string;
}

export interface Analysis {
  width: number;
  height: number;
  people: Person[];
  garments: DetectedGarment[];
  /** L2-normalised look embedding (EMBEDDING_DIM). */
  lookEmbedding: Float32Array;
  /** Identifies the pipeline and weights that produced the vectors; the index is migrated when it changes. */
  modelVersion: string;
  /** Milliseconds per stage, for benchmarks and the Settings view. */
  timings: Record<string, number>;
}

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

export interface BackendInfo {
  name: BackendName;
  /** Why this backend was chosen, in words shown in Settings. */
  reason: string;
  /** WASM only: SIMD and threads in use. */
  simd?: boolean;
  threads?: number;
  /** WebGPU only: the adapter's description. */
  adapter?: string;
}

export interface Progress {
  done: number;
  total: number;
  label?: string;
}
