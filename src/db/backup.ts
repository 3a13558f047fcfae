/**
 * Backups of the person's collection: one file that holds every look (its photo and thumbnail, garments with the
 * person's corrections, caption and vectors), the wardrobe pieces and the likes and dislikes of suggestions, so that
 * a collection that lives only in this browser survives a cleared browser or moves to another device. Free of the
 * DOM (Blob and IndexedDB only), so that it runs in Node tests (fake-indexeddb).
 *
 * The file: the 14 bytes "MIRROR-BACKUP\n", a little-endian u32 with the byte length of the header, the header (UTF-8
 * JSON: BackupHeader), then the data: every photo, thumbnail and float32 vector at the offset the header gives
 * (relative to the data's start). Blobs are never copied into memory to write it, and a restore reads one look's
 * bytes at a time.
 *
 * A restore trusts nothing in the file. A file that is not a backup, or whose header is damaged, is refused as a
 * whole with nothing written. Then each look is checked on its own and written in one transaction with its garments
 * and vectors, so a look is restored whole or not at all: a look whose photo is not an image, whose fields are wrong
 * or whose bytes lie past the end of the file is left out with a message naming it, and the others go on. A look
 * already in the collection (the same id) is left as it is. Vectors that do not fit the look (another model than
 * the look's, another length, not finite) are dropped and the look is marked for re-embedding; the re-embedding
 * migration (src/db/reembed.ts) makes them again from the photo.
 */
import { CATEGORIES, type Category } from '../../common/categories';
import { summarise } from '../../common/look-summary';
import {
  vectorId,
  type GarmentRecord,
  type LookRecord,
  type LookStatus,
  type OutfitFeedbackRecord,
  type PieceRecord,
  type VectorKind,
  type VectorRecord,
} from '../../common/db-schema';
import type { Box, GarmentColour, GarmentTypeGuess } from '../../common/types';
import { imageType } from '../../common/pack-format';
import type { MirrorDb } from './looks';

export const BACKUP_MAGIC = 'MIRROR-BACKUP\n';
export const BACKUP_FORMAT = 'mirror-backup';
export const BACKUP_VERSION = 1;
/** The file name extension of a backup. */
export const BACKUP_EXTENSION = '.mirror';

/** Bounds on what a restore reads, so that a hostile file cannot make it allocate without end. */
export const BACKUP_LIMITS = {
  headerBytes: 256 * 1024 * 1024,
  looks: 100_000,
  garmentsPerLook: 64,
  photoBytes: 64 * 1024 * 1024,
  thumbBytes: 8 * 1024 * 1024,
  dim: 4096,
  text: 10_000,
  id: 200,
  colours: 32,
  histogram: 1024,
  pieces: 1_000_000,
  feedback: 1_000_000,
  idsPerRecord: 100_000,
};

/** Where a blob lies in the data section. */
interface Span {
  at: number;
  bytes: number;
}

interface BackupVector {
  id: string;
  kind: VectorKind;
  modelVersion: string;
  at: number;
  dim: number;
}

type StoredLook = Omit<LookRecord, 'photo' | 'thumb' | 'categories' | 'colourNames'>;

interface BackupLook {
  look: StoredLook;
  photo: Span;
  thumb: Span;
  garments: Omit<GarmentRecord, 'lookId'>[];
  vectors: BackupVector[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: number;
  looks: BackupLook[];
  pieces: PieceRecord[];
  outfitFeedback: OutfitFeedbackRecord[];
}

/** The whole file refused: it is no backup Mirror can read, or its header is damaged. Nothing was written. */
export class BackupError extends Error {
  override name = 'BackupError';
}

const encoder = new TextEncoder();

function u32le(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** A look's fields without the blobs and the summary (a restore derives the summary from the garments). */
function storedLook(look: LookRecord): StoredLook {
  const { photo: _p, thumb: _t, categories: _c, colourNames: _n, ...rest } = look;
  return rest;
}

/**
 * The backup of everything in `db` the person made: looks (oldest first), their garments and vectors, wardrobe
 * pieces and outfit feedback. Installed packs, settings and the learned taste (which the likes make again) are not
 * in it. The Blob is built from the stored Blobs without reading them.
 */
export async function writeBackup(db: MirrorDb, now = Date.now()): Promise<{ blob: Blob; looks: number }> {
  const looks = await db.getAllFromIndex('looks', 'byAdded');
  const parts: BlobPart[] = [];
  let offset = 0;
  const place = (part: Blob | Uint8Array): Span => {
    const bytes = part instanceof Blob ? part.size : part.byteLength;
    parts.push(part as BlobPart);
    const span = { at: offset, bytes };
    offset += bytes;
    return span;
  };
  const entries: BackupLook[] = [];
  for (const look of looks) {
    const tx = db.transaction(['garments', 'vectors']);
    const [garments, vectors] = await Promise.all([
      tx.objectStore('garments').index('byLook').getAll(look.id),
      tx.objectStore('vectors').index('byLook').getAll(look.id),
    ]);
    const photo = place(look.photo);
    const thumb = place(look.thumb);
    entries.push({
      look: storedLook(look),
      photo,
      thumb,
      garments: garments.map(({ lookId: _l, ...g }) => g),
      vectors: vectors.map((v) => {
        const bytes = new Uint8Array(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength).slice();
        return { id: v.id, kind: v.kind, modelVersion: v.modelVersion, at: place(bytes).at, dim: v.vector.length };
      }),
    });
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: now,
    looks: entries,
    pieces: await db.getAll('pieces'),
    outfitFeedback: await db.getAll('outfitFeedback'),
  };
  const json = encoder.encode(JSON.stringify(header));
  return { blob: new Blob([encoder.encode(BACKUP_MAGIC), u32le(json.byteLength), json as Uint8Array<ArrayBuffer>, ...parts], { type: 'application/octet-stream' }), looks: looks.length };
}

// ---------------------------------------------------------------------------------------------------
// Reading: every field checked, unknown fields dropped

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A problem with one field of a record, or with one look's bytes: the look (or record) is left out, the rest goes on. */
class FieldError extends Error {}

function text(o: Obj, field: string, max: number, optional = false): string | undefined {
  const v = o[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new FieldError(`${field} ${v === undefined ? 'is missing' : 'is not text'}`);
  if (v.length > max) throw new FieldError(`${field} is longer than ${max} characters`);
  if (CONTROL.test(v)) throw new FieldError(`${field} holds control characters`);
  return v;
}
const id = (o: Obj, field: string): string => {
  const v = text(o, field, BACKUP_LIMITS.id)!;
  if (v === '') throw new FieldError(`${field} is empty`);
  return v;
};

function num(o: Obj, field: string, min: number, max: number, optional = false): number | undefined {
  const v = o[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(`${field} is not a number`);
  if (v < min || v > max) throw new FieldError(`${field} is outside ${min}..${max}`);
  return v;
}
const int = (o: Obj, field: string, min: number, max: number): number => {
  const v = num(o, field, min, max)!;
  if (!Number.isInteger(v)) throw new FieldError(`${field} is not a whole number`);
  return v;
};
function flag(o: Obj, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new FieldError(`${field} is not true or false`);
  return v;
}
function oneOf<T extends string>(o: Obj, field: string, allowed: readonly T[]): T {
  const v = o[field];
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new FieldError(`${field} is not one of ${allowed.join(', ')}`);
  return v as T;
}
function list(o: Obj, field: string, max: number): unknown[] {
  const v = o[field];
  if (!Array.isArray(v)) throw new FieldError(`${field} is not a list`);
  if (v.length > max) throw new FieldError(`${field} has more than ${max} entries`);
  return v;
}
function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new FieldError(`${what} is not an object`);
  return v;
}
function ids(o: Obj, field: string, max: number): string[] {
  return list(o, field, max).map((v, i) => {
    if (typeof v !== 'string' || v === '' || v.length > BACKUP_LIMITS.id) throw new FieldError(`${field}[${i}] is not an id`);
    return v;
  });
}
function numbers(v: unknown, field: string, length: number | [number, number], min: number, max: number): number[] {
  const [lo, hi] = typeof length === 'number' ? [length, length] : length;
  if (!Array.isArray(v) || v.length < lo || v.length > hi) throw new FieldError(`${field} is not a list of ${lo === hi ? lo : `${lo}..${hi}`} numbers`);
  return v.map((x: unknown) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) throw new FieldError(`${field} holds a value that is not a number in ${min}..${max}`);
    return x;
  });
}

const STATUSES: readonly LookStatus[] = ['pending', 'analysed', 'failed'];
const KINDS: readonly VectorKind[] = ['look', 'garment'];
/** Dates from 1970 to 3000, in ms. */
const MAX_TIME = 32_503_680_000_000;

function span(o: Obj, field: string, maxBytes: number): Span {
  const s = obj(o[field], field);
  return { at: int(s, 'at', 0, Number.MAX_SAFE_INTEGER), bytes: int(s, 'bytes', 1, maxBytes) };
}

function readLook(o: Obj): StoredLook {
  const look: StoredLook = {
    id: id(o, 'id'),
    name: text(o, 'name', BACKUP_LIMITS.text)!,
    addedAt: num(o, 'addedAt', 0, MAX_TIME)!,
    width: int(o, 'width', 1, 1_000_000),
    height: int(o, 'height', 1, 1_000_000),
    status: oneOf(o, 'status', STATUSES),
    caption: text(o, 'caption', BACKUP_LIMITS.text)!,
  };
  const takenAt = num(o, 'takenAt', -MAX_TIME, MAX_TIME, true);
  if (takenAt !== undefined) look.takenAt = takenAt;
  const error = text(o, 'error', BACKUP_LIMITS.text, true);
  if (error !== undefined) look.error = error;
  const modelVersion = text(o, 'modelVersion', BACKUP_LIMITS.id, true);
  if (modelVersion !== undefined) look.modelVersion = modelVersion;
  return look;
}

function readColour(v: unknown, i: number): GarmentColour {
  const o = obj(v, `colours[${i}]`);
  const rgb = numbers(o.rgb, `colours[${i}].rgb`, 3, 0, 255) as [number, number, number];
  return { name: text(o, 'name', 100)!, rgb, fraction: num(o, 'fraction', 0, 1)! };
}

function readType(v: unknown): GarmentTypeGuess {
  const o = obj(v, 'type');
  return { label: text(o, 'label', 100)!, score: num(o, 'score', 0, 1)! };
}

function readGarment(o: Obj, lookId: string): GarmentRecord {
  const garment: GarmentRecord = {
    id: id(o, 'id'),
    lookId,
    category: oneOf(o, 'category', CATEGORIES) as Category,
    box: numbers(o.box, 'box', 4, -1e7, 1e7) as Box,
    score: num(o, 'score', 0, 1)!,
    colours: list(o, 'colours', BACKUP_LIMITS.colours).map(readColour),
  };
  if (garment.box[2] < 0 || garment.box[3] < 0) throw new FieldError('box has a negative width or height');
  if (o.histogram !== undefined) garment.histogram = numbers(o.histogram, 'histogram', [0, BACKUP_LIMITS.histogram], 0, 1);
  if (o.type !== undefined) garment.type = readType(o.type);
  for (const f of ['corrected', 'marked', 'typeCorrected'] as const) if (flag(o, f)) garment[f] = true;
  return garment;
}

function readVector(o: Obj): BackupVector {
  return {
    id: id(o, 'id'),
    kind: oneOf(o, 'kind', KINDS),
    modelVersion: text(o, 'modelVersion', BACKUP_LIMITS.id)!,
    at: int(o, 'at', 0, Number.MAX_SAFE_INTEGER),
    dim: int(o, 'dim', 1, BACKUP_LIMITS.dim),
  };
}

function readPiece(o: Obj): PieceRecord {
  const piece: PieceRecord = {
    id: id(o, 'id'),
    name: text(o, 'name', BACKUP_LIMITS.text)!,
    category: oneOf(o, 'category', CATEGORIES) as Category,
    garmentIds: ids(o, 'garmentIds', BACKUP_LIMITS.idsPerRecord),
    createdAt: num(o, 'createdAt', 0, MAX_TIME)!,
  };
  const price = num(o, 'price', 0, 1e12, true);
  if (price !== undefined) piece.price = price;
  const currency = text(o, 'currency', 8, true);
  if (currency !== undefined) piece.currency = currency;
  return piece;
}

function readFeedback(o: Obj): OutfitFeedbackRecord {
  return {
    key: text(o, 'key', BACKUP_LIMITS.text)!,
    garmentIds: ids(o, 'garmentIds', 64),
    verdict: oneOf(o, 'verdict', ['like', 'dislike'] as const),
    source: oneOf(o, 'source', ['complete', 'dress-me'] as const),
    at: num(o, 'at', 0, MAX_TIME)!,
  };
}

/** A look of the backup as read: its record and garments checked, or the problem that leaves it out. */
export type ReadLook =
  | { ok: true; look: StoredLook; photo: Span; thumb: Span; garments: GarmentRecord[]; vectors: BackupVector[] }
  | { ok: false; name: string; problem: string };

export interface ReadBackup {
  createdAt: number;
  /** Byte offset of the data section in the file. */
  dataAt: number;
  looks: ReadLook[];
  /** Pieces and likes that passed their checks (their garments are matched when they are written). */
  pieces: PieceRecord[];
  outfitFeedback: OutfitFeedbackRecord[];
  /** Pieces and likes left out because their fields are wrong. */
  badRecords: number;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Checks one look entry of the header; never throws. */
function readEntry(v: unknown, n: number): ReadLook {
  const fallback = `look ${n + 1} of the backup`;
  let name = fallback;
  try {
    const o = obj(v, 'the entry');
    const look = readLook(obj(o.look, 'look'));
    name = look.name.trim() || fallback;
    const photo = span(o, 'photo', BACKUP_LIMITS.photoBytes);
    const thumb = span(o, 'thumb', BACKUP_LIMITS.thumbBytes);
    const garments = list(o, 'garments', BACKUP_LIMITS.garmentsPerLook).map((g, i) => {
      try {
        return readGarment(obj(g, 'it'), look.id);
      } catch (e) {
        throw new FieldError(`item ${i + 1}: ${describe(e)}`);
      }
    });
    const vectors = list(o, 'vectors', BACKUP_LIMITS.garmentsPerLook + 1).map((x, i) => {
      try {
        return readVector(obj(x, 'it'));
      } catch (e) {
        throw new FieldError(`vector ${i + 1}: ${describe(e)}`);
      }
    });
    if (new Set(garments.map((g) => g.id)).size !== garments.length) throw new FieldError('two of its items have the same id');
    return { ok: true, look, photo, thumb, garments, vectors };
  } catch (e) {
    return { ok: false, name, problem: describe(e) };
  }
}

/** Reads and checks a backup's header. Throws BackupError when the file is no backup or the header is damaged. */
export async function readBackup(file: Blob): Promise<ReadBackup> {
  const start = new Uint8Array(await file.slice(0, BACKUP_MAGIC.length + 4).arrayBuffer());
  const magic = encoder.encode(BACKUP_MAGIC);
  if (start.length < magic.length + 4 || !magic.every((b, i) => start[i] === b)) throw new BackupError('is not a Mirror backup (it does not start as one)');
  const headerBytes = new DataView(start.buffer).getUint32(magic.length, true);
  const dataAt = magic.length + 4 + headerBytes;
  if (headerBytes > BACKUP_LIMITS.headerBytes) throw new BackupError(`has a header of ${headerBytes} bytes, more than a backup may have (${BACKUP_LIMITS.headerBytes})`);
  if (dataAt > file.size) throw new BackupError('is cut short: its header runs past the end of the file');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await file.slice(magic.length + 4, dataAt).arrayBuffer()));
  } catch (e) {
    throw new BackupError(`has a damaged header (${describe(e)})`);
  }
  if (!isObj(json) || json.format !== BACKUP_FORMAT) throw new BackupError('has a header that is not a Mirror backup\'s');
  if (json.version !== BACKUP_VERSION) throw new BackupError(`is of backup version ${String(json.version)}; this Mirror reads version ${BACKUP_VERSION}`);
  let createdAt: number;
  let looks: unknown[];
  let pieces: unknown[];
  let feedback: unknown[];
  try {
    createdAt = num(json, 'createdAt', 0, MAX_TIME)!;
    looks = list(json, 'looks', BACKUP_LIMITS.looks);
    pieces = list(json, 'pieces', BACKUP_LIMITS.pieces);
    feedback = list(json, 'outfitFeedback', BACKUP_LIMITS.feedback);
  } catch (e) {
    throw new BackupError(`has a damaged header (${describe(e)})`);
  }
  let badRecords = 0;
  const keep = <T>(read: (o: Obj) => T) => (v: unknown): T[] => {
    try {
      return [read(obj(v, 'it'))];
    } catch {
      badRecords++;
      return [];
    }
  };
  return {
    createdAt,
    dataAt,
    looks: looks.map(readEntry),
    pieces: pieces.flatMap(keep(readPiece)),
    outfitFeedback: feedback.flatMap(keep(readFeedback)),
    badRecords,
  };
}

// ---------------------------------------------------------------------------------------------------
// Restoring

export interface RestoreOptions {
  /** Whether the browser can decode an image (the page: createImageBitmap); by default only its first bytes are checked. */
  decodes?: (image: Blob) => Promise<boolean>;
  /** Called after each look of the backup, written or not. */
  progress?: (done: number, total: number) => void;
}

export interface RestoreResult {
  /** Looks written. */
  restored: number;
  /** Looks already in the collection (same id), left as they were. */
  alreadyHere: number;
  /** Per look left out: its name and why. */
  problems: { name: string; problem: string }[];
  /** Restored looks that are pending (to analyse) or whose vectors must be made again (another model, or unusable ones). */
  pending: number;
  reembed: number;
  /** Vectors written (the search index reads them from IndexedDB). */
  vectors: number;
  pieces: number;
  likes: number;
  /** Pieces and likes left out: damaged, already here, or with none of their items restored. */
  recordsLeftOut: number;
  /** Looks not tried because the device's storage filled up (the restore stopped there). */
  storageFull: number;
}

/** The bytes of `s` in the data section, or a problem when they lie past the end of the file. */
function slice(file: Blob, dataAt: number, s: Span, what: string): Blob {
  const end = dataAt + s.at + s.bytes;
  if (end > file.size) throw new FieldError(`its ${what} lies past the end of the file (the backup is cut short)`);
  return file.slice(dataAt + s.at, end);
}

async function image(file: Blob, dataAt: number, s: Span, what: string, decodes?: RestoreOptions['decodes']): Promise<Blob> {
  const raw = slice(file, dataAt, s, what);
  const type = imageType(new Uint8Array(await raw.slice(0, 16).arrayBuffer()));
  if (!type) throw new FieldError(`its ${what} is not a JPEG, PNG or WebP image`);
  const typed = raw.slice(0, raw.size, type);
  if (decodes && !(await decodes(typed))) throw new FieldError(`its ${what} cannot be decoded (a damaged image)`);
  return typed;
}

/**
 * The vectors of a look that can be trusted: one look vector and one per garment, all of the look's model version,
 * one length, finite. Anything else gives null: the look's vectors are made again.
 */
async function vectorsOf(file: Blob, dataAt: number, entry: Extract<ReadLook, { ok: true }>): Promise<VectorRecord[] | null> {
  const { look, garments, vectors } = entry;
  if (look.status !== 'analysed' || !look.modelVersion) return null;
  const wanted = new Map<string, VectorKind>([[vectorId('look', look.id), 'look'], ...garments.map((g): [string, VectorKind] => [vectorId('garment', g.id), 'garment'])]);
  if (vectors.length !== wanted.size) return null;
  const dim = vectors[0]?.dim;
  const out: VectorRecord[] = [];
  for (const v of vectors) {
    if (wanted.get(v.id) !== v.kind || v.modelVersion !== look.modelVersion || v.dim !== dim) return null;
    wanted.delete(v.id);
    const bytes = new Uint8Array(await slice(file, dataAt, { at: v.at, bytes: 4 * v.dim }, 'vector').arrayBuffer());
    const view = new DataView(bytes.buffer);
    const vector = new Float32Array(v.dim);
    for (let j = 0; j < v.dim; j++) {
      vector[j] = view.getFloat32(4 * j, true);
      if (!Number.isFinite(vector[j])) return null;
    }
    out.push({ id: v.id, kind: v.kind, lookId: look.id, vector, modelVersion: v.modelVersion });
  }
  return out;
}

/** Writes one look with its garments and vectors in one transaction; 'here' (nothing written) when its id is taken. */
async function writeLook(db: MirrorDb, look: LookRecord, garments: GarmentRecord[], vectors: VectorRecord[]): Promise<'written' | 'here'> {
  const tx = db.transaction(['looks', 'garments', 'vectors'], 'readwrite');
  const [existing, ...taken] = await Promise.all([tx.objectStore('looks').getKey(look.id), ...garments.map((g) => tx.objectStore('garments').getKey(g.id))]);
  if (existing !== undefined || taken.some((k) => k !== undefined)) {
    tx.abort();
    await tx.done.catch(() => undefined);
    if (existing !== undefined) return 'here';
    throw new FieldError('its items are in this collection already, under another look');
  }
  await Promise.all([
    tx.objectStore('looks').put(look),
    ...garments.map((g) => tx.objectStore('garments').put(g)),
    ...vectors.map((v) => tx.objectStore('vectors').put(v)),
    tx.done,
  ]);
  return 'written';
}

/**
 * Restores a backup into `db`, alongside what is there. Throws BackupError (nothing written) when the file is no
 * backup; otherwise restores every look it can and says what it left out and why.
 */
export async function restoreBackup(db: MirrorDb, file: Blob, options: RestoreOptions = {}): Promise<RestoreResult> {
  const backup = await readBackup(file);
  const result: RestoreResult = { restored: 0, alreadyHere: 0, problems: [], pending: 0, reembed: 0, vectors: 0, pieces: 0, likes: 0, recordsLeftOut: backup.badRecords, storageFull: 0 };
  const seen = new Set<string>();
  let done = 0;
  for (const entry of backup.looks) {
    try {
      if (!entry.ok) throw new FieldError(entry.problem);
      if (seen.has(entry.look.id)) throw new FieldError('appears twice in the backup');
      seen.add(entry.look.id);
      const photo = await image(file, backup.dataAt, entry.photo, 'photo', options.decodes);
      const thumb = await image(file, backup.dataAt, entry.thumb, 'thumbnail', options.decodes);
      // A look whose analysis never finished is analysed again; its garments, if any, go with it.
      const pending = entry.look.status === 'pending';
      const garments = pending ? [] : entry.garments;
      const vectors = pending ? [] : await vectorsOf(file, backup.dataAt, entry);
      const look: LookRecord = { ...entry.look, photo, thumb, ...summarise(garments) };
      // Without trusted vectors an analysed look is re-embedded: the migration takes every look not on the current model.
      if (look.status === 'analysed' && vectors === null) delete look.modelVersion;
      if ((await writeLook(db, look, garments, vectors ?? [])) === 'here') {
        result.alreadyHere++;
      } else {
        result.restored++;
        result.vectors += vectors?.length ?? 0;
        if (pending) result.pending++;
        else if (look.status === 'analysed' && vectors === null) result.reembed++;
      }
    } catch (e) {
      const name = entry.ok ? entry.look.name.trim() || `look ${done + 1} of the backup` : entry.name;
      if ((e as { name?: unknown } | null)?.name === 'QuotaExceededError') {
        // Every look after this one would fail the same way.
        result.storageFull = backup.looks.length - done;
        break;
      }
      result.problems.push({ name, problem: describe(e) });
    }
    done++;
    options.progress?.(done, backup.looks.length);
  }
  await restoreRecords(db, backup, result);
  return result;
}

/** Wardrobe pieces and likes, with the garments they name that are in the collection now; those already here stay. */
async function restoreRecords(db: MirrorDb, backup: ReadBackup, result: RestoreResult): Promise<void> {
  const tx = db.transaction(['garments', 'pieces', 'outfitFeedback'], 'readwrite');
  const garments = tx.objectStore('garments');
  const present = async (ids: string[]) => (await Promise.all(ids.map((g) => garments.getKey(g)))).map((k) => k !== undefined);
  for (const piece of backup.pieces) {
    const kept = [...new Set(piece.garmentIds)];
    const here = await present(kept);
    const garmentIds = kept.filter((_, i) => here[i]);
    if (garmentIds.length === 0 || (await tx.objectStore('pieces').getKey(piece.id)) !== undefined) {
      result.recordsLeftOut++;
      continue;
    }
    await tx.objectStore('pieces').put({ ...piece, garmentIds });
    result.pieces++;
  }
  for (const like of backup.outfitFeedback) {
    if ((await present(like.garmentIds)).some((p) => !p) || (await tx.objectStore('outfitFeedback').getKey(like.key)) !== undefined) {
      result.recordsLeftOut++;
      continue;
    }
    await tx.objectStore('outfitFeedback').put(like);
    result.likes++;
  }
  await tx.done;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What a restore of `fileName` did, in words: one line for the status region and one error per look left out. */
export function restoreMessages(result: RestoreResult, fileName: string): { info: string; errors: string[] } {
  const errors = result.problems.map((p) => `${fileName}: "${p.name}" was not restored: ${p.problem}.`);
  if (result.storageFull > 0) errors.push(`${fileName}: the device's storage is full; ${plural(result.storageFull, 'look')} of the backup were not restored. Free some space and restore it again: the looks restored already are kept.`);
  const extra = [
    result.alreadyHere > 0 ? `${plural(result.alreadyHere, 'look')} already in your collection left as ${result.alreadyHere === 1 ? 'it is' : 'they are'}` : '',
    result.pending + result.reembed > 0 ? `${plural(result.pending + result.reembed, 'look')} to analyse again on this device` : '',
    result.pieces > 0 ? plural(result.pieces, 'wardrobe piece') : '',
    result.likes > 0 ? plural(result.likes, 'like or dislike', 'likes and dislikes') : '',
  ].filter(Boolean);
  const head = result.restored > 0 || extra.length === 0 ? `Restored ${plural(result.restored, 'look')} from ${fileName}` : `Nothing new to restore from ${fileName}`;
  return { info: `${head}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}.`, errors };
}
