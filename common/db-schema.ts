/**
 * The IndexedDB schema, shared by the page (src/db) and the index worker (workers/index), as one typed
 * DBSchema. Types only: opening and migrations live in src/db/open.ts.
 */
import type { DBSchema } from 'idb';
import type { Category } from './categories';
import type { Box, GarmentColour } from './types';

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
  /** true when the person corrected the category. */
  corrected?: boolean;
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

export interface MirrorDB extends DBSchema {
  looks: { key: string; value: LookRecord; indexes: { byAdded: number; byStatus: LookStatus } };
  garments: { key: string; value: GarmentRecord; indexes: { byLook: string } };
  vectors: { key: string; value: VectorRecord; indexes: { byLook: string; byKind: VectorKind } };
  settings: { key: string; value: unknown };
}

export const vectorId = (kind: VectorKind, id: string): string => `${kind}:${id}`;
