/**
 * The IndexedDB schema, shared by the page (src/db) and the index worker (workers/index), as one typed
 * DBSchema. Types only: opening and migrations live in src/db/open.ts.
 */
import type { DBSchema } from 'idb';
import type { Category } from './categories';
import type { Box, GarmentColour, GarmentTypeGuess } from './types';
import type { LookbookLook, PackManifest, Product } from './pack-format';

export type LookStatus = 'pending' | 'analysed' | 'failed';

export interface LookRecord {
  id: string;
  /** The file name the person added, shown in messages. */
  name: string;
  addedAt: number;
  /** From EXIF DateTimeOriginal when present (ms since epoch). */
  takenAt?: number;
  width: number;
  height: number;
  status: LookStatus;
  error?: string;
  caption: string;
  /** Re-encoded JPEG without EXIF, upright. */
  photo: Blob;
  thumb: Blob;
  modelVersion?: string;
  /** Colour names and categories of its garments, for filtering the collection without a join. */
  categories: Category[];
  colourNames: string[];
}

export interface GarmentRecord {
  id: string;
  lookId: string;
  category: Category;
  box: Box;
  score: number;
  colours: GarmentColour[];
  /**
   * Colour histogram of the garment's pixels (DetectedGarment.histogram), what the outfit scorer reads.
   * Optional and not indexed: a record analysed before it existed gets it from the re-embedding migration
   * (MODEL_VERSION changed with it) and is left out of outfits until then.
   */
  histogram?: number[];
  /** true when the person corrected the category. */
  corrected?: boolean;
  /** true when the person marked the item on the photo (a box the detector missed): no detection score. */
  marked?: boolean;
  /**
   * The fine type (a clothing_fine_labels entry that fits the category, e.g. "T-Shirt" for a top), from
   * garment-net or from the person; absent where none fits (bag, accessory) or none was given yet.
   * Optional and not indexed, so older records need no migration.
   */
  type?: GarmentTypeGuess;
  /** true when the person chose the type: a re-analysis or a re-embedding never replaces it. */
  typeCorrected?: boolean;
}

export type VectorKind = 'look' | 'garment';

export interface VectorRecord {
  /** `look:<lookId>` or `garment:<garmentId>`. */
  id: string;
  kind: VectorKind;
  lookId: string;
  /** Float32 L2-normalised vector. */
  vector: Float32Array;
  modelVersion: string;
}

/** An installed pack (docs/packs.md), checked by common/pack-format.ts verifyPack before it was stored. */
export interface PackRecord {
  /** The manifest's id: one installed version per id. */
  id: string;
  manifest: PackManifest;
  /** A catalog's products ([] for a lookbook). */
  products: Product[];
  /** A lookbook's looks (absent or [] for a catalog). */
  looks?: LookbookLook[];
  /** embeddings.bin split: count scales and count × dim int8 components. */
  scales: Float32Array;
  vectors: Int8Array;
  /** Where it came from: the URL of its pack.json, or 'files'. */
  source: { type: 'url'; url: string } | { type: 'files' };
  addedAt: number;
  /** Bytes of all its files. */
  bytes: number;
}

/** A pack's picture (a product image or a lookbook photo), stored apart so that listing packs does not read every thumbnail. */
export interface PackImageRecord {
  packId: string;
  /** Path inside the pack (images/…). */
  path: string;
  blob: Blob;
}

/** One request Mirror made to another origin (only packs the person asked for), for the Settings ledger. */
export interface NetworkRecord {
  /** Auto-incremented. */
  id?: number;
  url: string;
  at: number;
  /** Bytes received (body). */
  bytes: number;
  /** HTTP status, or 0 when the request failed before a response. */
  status: number;
  /** Why: which pack action made it. */
  purpose: string;
  error?: string;
}

/** A piece of the wardrobe: one garment the person owns, seen in one or more looks. */
export interface PieceRecord {
  id: string;
  /** The person's name for it; empty until they give one. */
  name: string;
  category: Category;
  /** Garments (GarmentRecord ids) that show this piece, oldest look first. */
  garmentIds: string[];
  /** Purchase price, for cost per wear. */
  price?: number;
  currency?: string;
  createdAt: number;
}

/** The person's answer to one suggested outfit (Complete the look, Dress me). */
export interface OutfitFeedbackRecord {
  /** The outfit's key: its garment ids, sorted, joined by "+" (workers/scorer/combine.ts outfitKey). */
  key: string;
  garmentIds: string[];
  verdict: 'like' | 'dislike';
  /** Which view it was suggested in. */
  source: 'complete' | 'dress-me';
  at: number;
}

/** The taste learned on the device from the looks and the likes (workers/scorer/taste.ts): one record. */
export interface OutfitTasteRecord {
  /** Always 'taste'. */
  id: string;
  /** The vector over the student's standardised outfit embedding ((e - mean) * scale), and its bias. */
  w: Float32Array;
  mean: Float32Array;
  scale: Float32Array;
  b: number;
  /** What it was fitted on. */
  looks: number;
  likes: number;
  dislikes: number;
  /** Which student and item vectors it belongs to (another model makes it meaningless). */
  modelKey: string;
  fittedAt: number;
}

export interface MirrorDB extends DBSchema {
  looks: { key: string; value: LookRecord; indexes: { byAdded: number; byStatus: LookStatus } };
  garments: { key: string; value: GarmentRecord; indexes: { byLook: string } };
  vectors: { key: string; value: VectorRecord; indexes: { byLook: string; byKind: VectorKind } };
  settings: { key: string; value: unknown };
  packs: { key: string; value: PackRecord };
  packImages: { key: [string, string]; value: PackImageRecord; indexes: { byPack: string } };
  network: { key: number; value: NetworkRecord; indexes: { byAt: number } };
  pieces: { key: string; value: PieceRecord };
  outfitFeedback: { key: string; value: OutfitFeedbackRecord; indexes: { byAt: number } };
  outfitTaste: { key: string; value: OutfitTasteRecord };
}

export const vectorId = (kind: VectorKind, id: string): string => `${kind}:${id}`;
/** The look or garment id of a vector id (vectorId's inverse). */
export const recordId = (vectorId: string): string => vectorId.slice(vectorId.indexOf(':') + 1);
