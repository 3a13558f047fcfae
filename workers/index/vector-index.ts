/**
 * Exact in-memory vector index for look and garment vectors. Pure and DOM-free: it runs in the index
 * worker, in Node (CLI, unit tests) and in benchmarks alike.
 *
 * Search is a two-stage exact scan over ALL stored vectors:
 *  1. every vector is stored twice, as int8 (symmetric quantisation of the L2-normalised vector, one scale
 *     per vector: v ≈ q * scale, q in [-127, 127]) and as float32. The int8 copy (1 byte per component)
 *     is scanned with integer dot products to pick a shortlist of max(4k, 50) candidates; the scan reads
 *     a quarter of the bytes a float scan would, which is what bounds it;
 *  2. the shortlist is re-ranked with the float32 vectors by cosine similarity (a dot product, as both
 *     sides are normalised), so returned scores are exact.
 *
 * Storage is slot-based: slot i holds vector i in one contiguous Int8Array (slots × dim) and one
 * contiguous Float32Array (slots × dim), both growing by doubling. Delete moves the last slot into the
 * freed one (swap-remove, O(dim)), so slots 0..size-1 are always dense and the scan has no holes.
 */
import type { VectorKind } from '../../common/db-schema';
import { createDotKernel, kernelSupportsDim, type DotKernel } from './int8-dot';

export interface IndexEntry {
  /** `look:<lookId>` or `garment:<garmentId>` (see common/db-schema.ts vectorId). */
  id: string;
  kind: VectorKind;
  lookId: string;
  /** Any non-zero vector of length dim; it is L2-normalised on the way in (the caller's array is not changed). */
  vector: Float32Array;
}

export interface SearchOptions {
  /** Number of hits wanted (>= 1). */
  k: number;
  /** Only vectors of this kind; both kinds when absent. */
  kind?: VectorKind;
  /** Drop hits whose cosine similarity is below this (-1..1). */
  minScore?: number;
  /** Never return these vector ids (for example the query's own vector). */
  excludeIds?: Iterable<string>;
  /** Never return vectors of this look (for example "more like this look" should not return its own garments). */
  excludeLookId?: string;
}

export interface SearchHit {
  id: string;
  lookId: string;
  kind: VectorKind;
  /** Cosine similarity (-1..1), computed from the float32 vectors. */
  score: number;
}

/** Shortlist length for the float re-rank: max(SHORTLIST_FACTOR * k, SHORTLIST_MIN). */
export const SHORTLIST_FACTOR = 4;
export const SHORTLIST_MIN = 50;

export interface VectorIndexOptions {
  /** Slots allocated up front (vectors); the arrays double when full. */
  initialCapacity?: number;
  /** Scan with the WebAssembly SIMD kernel where available (default true); false forces the JS loop. */
  wasm?: boolean;
}

/** Vectors per call of the WASM kernel; its int32 results go to a fixed area of this many slots. */
const CHUNK = 4096;
const PAGE = 65536;

const KIND_CODE: Record<VectorKind, number> = { look: 1, garment: 2 };
const KIND_NAME: VectorKind[] = ['look', 'look', 'garment'];

export class VectorIndex {
  readonly dim: number;
  private capacity: number;
  private n = 0;
  /** slots × dim, int8 components in [-127, 127]. */
  private q: Int8Array;
  /** slots × dim, L2-normalised float32 vectors. */
  private f: Float32Array;
  /** Per-slot dequantisation scale: v[j] ≈ q[j] * scale[slot]. */
  private scale: Float32Array;
  /** Per-slot KIND_CODE. */
  private kinds: Uint8Array;
  /** Per-slot interned look number, so the excludeLookId test in the scan is an integer compare. */
  private lookNums: Int32Array;
  private ids: string[] = [];
  private lookIds: string[] = [];
  private slotOf = new Map<string, number>();
  private lookNumOf = new Map<string, number>();
  /**
   * With the WASM kernel the int8 array lives in its linear memory:
   *   [0, outPtr)            the query as int16 (dim × 2 bytes, 16-byte aligned)
   *   [outPtr, vecPtr)       CHUNK int32 dot products written by the kernel
   *   [vecPtr, ...)          the int8 vectors, capacity × dim bytes; memory.grow keeps them in place.
   */
  private kernel: DotKernel | null = null;
  private outPtr = 0;
  private vecPtr = 0;

  constructor(dim: number, options: VectorIndexOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.capacity = Math.max(1, Math.floor(options.initialCapacity ?? 1024));
    if ((options.wasm ?? true) && kernelSupportsDim(dim)) {
      this.outPtr = Math.ceil((dim * 2) / 16) * 16;
      this.vecPtr = Math.ceil((this.outPtr + CHUNK * 4) / PAGE) * PAGE;
      this.kernel = createDotKernel(Math.ceil((this.vecPtr + this.capacity * dim) / PAGE));
    }
    this.q = this.kernel
      ? new Int8Array(this.kernel.memory.buffer, this.vecPtr, this.capacity * dim)
      : new Int8Array(this.capacity * dim);
    this.f = new Float32Array(this.capacity * dim);
    this.scale = new Float32Array(this.capacity);
    this.kinds = new Uint8Array(this.capacity);
    this.lookNums = new Int32Array(this.capacity);
  }

  /** 'wasm-simd' or 'js': which int8 scan is in use (for benchmarks and Settings). */
  get scanner(): 'wasm-simd' | 'js' {
    return this.kernel ? 'wasm-simd' : 'js';
  }

  get size(): number {
    return this.n;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** A copy of the stored (normalised) float vector, or undefined. */
  get(id: string): IndexEntry | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    const d = this.dim;
    return {
      id,
      kind: KIND_NAME[this.kinds[slot]],
      lookId: this.lookIds[slot],
      vector: this.f.slice(slot * d, slot * d + d),
    };
  }

  /** Ids of every vector of one look. O(size): used only on deletes of whole looks. */
  idsOfLook(lookId: string): string[] {
    const num = this.lookNumOf.get(lookId);
    if (num === undefined) return [];
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) if (this.lookNums[i] === num) out.push(this.ids[i]);
    return out;
  }

  /** Inserts new vectors and replaces existing ones with the same id (upsert). */
  add(entries: Iterable<IndexEntry>): void {
    for (const e of entries) this.upsert(e);
  }

  upsert(entry: IndexEntry): void {
    const d = this.dim;
    const v = entry.vector;
    if (v.length !== d) throw new RangeError(`vector ${entry.id} has length ${v.length}, expected ${d}`);
    const kindCode = KIND_CODE[entry.kind];
    if (kindCode === undefined) throw new RangeError(`vector ${entry.id} has unknown kind ${String(entry.kind)}`);
    let norm = 0;
    for (let j = 0; j < d; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError(`vector ${entry.id} is zero or not finite`);

    let slot = this.slotOf.get(entry.id);
    if (slot === undefined) {
      if (this.n === this.capacity) this.grow();
      slot = this.n++;
      this.slotOf.set(entry.id, slot);
      this.ids[slot] = entry.id;
    }
    const off = slot * d;
    const inv = 1 / norm;
    let maxAbs = 0;
    for (let j = 0; j < d; j++) {
      const x = v[j] * inv;
      this.f[off + j] = x;
      const a = Math.abs(x);
      if (a > maxAbs) maxAbs = a;
    }
    const s = maxAbs / 127;
    const invS = 1 / s;
    for (let j = 0; j < d; j++) this.q[off + j] = Math.round(this.f[off + j] * invS);
    this.scale[slot] = s;
    this.kinds[slot] = kindCode;
    this.lookIds[slot] = entry.lookId;
    this.lookNums[slot] = this.internLook(entry.lookId);
  }

  /** Removes one vector; returns false when the id was not stored. O(dim): the last slot moves into the hole. */
  delete(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    const last = --this.n;
    if (slot !== last) {
      const d = this.dim;
      this.q.copyWithin(slot * d, last * d, last * d + d);
      this.f.copyWithin(slot * d, last * d, last * d + d);
      this.scale[slot] = this.scale[last];
      this.kinds[slot] = this.kinds[last];
      this.lookNums[slot] = this.lookNums[last];
      this.lookIds[slot] = this.lookIds[last];
      this.ids[slot] = this.ids[last];
      this.slotOf.set(this.ids[slot], slot);
    }
    this.ids.length = last;
    this.lookIds.length = last;
    return true;
  }

  clear(): void {
    this.n = 0;
    this.ids = [];
    this.lookIds = [];
    this.slotOf.clear();
    this.lookNumOf.clear();
  }

  /** Nearest vectors to `query` by cosine similarity, best first. The query need not be normalised. */
  search(query: Float32Array, opts: SearchOptions): SearchHit[] {
    const d = this.dim;
    if (query.length !== d) throw new RangeError(`query has length ${query.length}, expected ${d}`);
    const k = Math.floor(opts.k);
    if (!(k >= 1)) throw new RangeError(`k must be >= 1, got ${opts.k}`);
    if (this.n === 0) return [];

    // Normalise and quantise the query the same way as stored vectors.
    let norm = 0;
    for (let j = 0; j < d; j++) norm += query[j] * query[j];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError('query is zero or not finite');
    const qf = new Float32Array(d);
    let maxAbs = 0;
    for (let j = 0; j < d; j++) {
      qf[j] = query[j] / norm;
      const a = Math.abs(qf[j]);
      if (a > maxAbs) maxAbs = a;
    }
    const qq = new Int8Array(d);
    const invS = 127 / maxAbs;
    for (let j = 0; j < d; j++) qq[j] = Math.round(qf[j] * invS);

    // Filters, as slot tests: kind code, look number, excluded slots.
    const wantKind = opts.kind === undefined ? 0 : KIND_CODE[opts.kind];
    if (opts.kind !== undefined && wantKind === undefined) throw new RangeError(`unknown kind ${String(opts.kind)}`);
    const exLook = opts.excludeLookId === undefined ? -1 : (this.lookNumOf.get(opts.excludeLookId) ?? -1);
    let exSlots: Set<number> | null = null;
    if (opts.excludeIds) {
      for (const id of opts.excludeIds) {
        const s = this.slotOf.get(id);
        if (s !== undefined) (exSlots ??= new Set()).add(s);
      }
    }

    // Stage 1: int8 scan into a bounded min-heap of approximate scores (dot × the vector's scale; the
    // query's scale is the same for every vector, so it is left out).
    const cap = Math.max(SHORTLIST_FACTOR * k, SHORTLIST_MIN);
    const heap = new TopK(cap);
    const scale = this.scale;
    const kinds = this.kinds;
    const lookNums = this.lookNums;
    const n = this.n;
    const keep = (i: number): boolean =>
      (wantKind === 0 || kinds[i] === wantKind) && lookNums[i] !== exLook && (exSlots === null || !exSlots.has(i));
    if (this.kernel) {
      const buf = this.kernel.memory.buffer;
      new Int16Array(buf, 0, d).set(qq);
      const dots = new Int32Array(buf, this.outPtr, CHUNK);
      for (let start = 0; start < n; start += CHUNK) {
        const count = Math.min(CHUNK, n - start);
        this.kernel.scan(this.vecPtr + start * d, 0, d, count, this.outPtr);
        for (let t = 0; t < count; t++) {
          const i = start + t;
          if (!keep(i)) continue;
          const approx = dots[t] * scale[i];
          if (heap.size < cap || approx > heap.minScore()) heap.push(approx, i);
        }
      }
    } else {
      const q = this.q;
      const d4 = d - (d % 4);
      for (let i = 0; i < n; i++) {
        if (!keep(i)) continue;
        const base = i * d;
        // Four independent int32 accumulators: |q| <= 127, so one product is < 2^14 and a sum of
        // dim of them stays far below 2^31; `| 0` keeps V8 on integer arithmetic.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j < d4; j += 4) {
          s0 = (s0 + q[base + j] * qq[j]) | 0;
          s1 = (s1 + q[base + j + 1] * qq[j + 1]) | 0;
          s2 = (s2 + q[base + j + 2] * qq[j + 2]) | 0;
          s3 = (s3 + q[base + j + 3] * qq[j + 3]) | 0;
        }
        for (; j < d; j++) s0 = (s0 + q[base + j] * qq[j]) | 0;
        const approx = (s0 + s1 + s2 + s3) * scale[i];
        if (heap.size < cap || approx > heap.minScore()) heap.push(approx, i);
      }
    }

    // Stage 2: exact float re-rank of the shortlist.
    const f = this.f;
    const minScore = opts.minScore ?? -Infinity;
    const hits: SearchHit[] = [];
    for (let h = 0; h < heap.size; h++) {
      const slot = heap.slots[h];
      const base = slot * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += f[base + j] * qf[j];
      if (s >= minScore) hits.push({ id: this.ids[slot], lookId: this.lookIds[slot], kind: KIND_NAME[kinds[slot]], score: s });
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (hits.length > k) hits.length = k;
    return hits;
  }

  /** Bytes held by the vector arrays (capacity, not size): for Settings and benchmarks. */
  get bytes(): number {
    return (this.kernel ? this.kernel.memory.buffer.byteLength : this.q.byteLength) + this.f.byteLength + this.scale.byteLength + this.kinds.byteLength + this.lookNums.byteLength;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const d = this.dim;
    let q: Int8Array;
    if (this.kernel) {
      // Growing the linear memory keeps the bytes in place; only the view has to be made again.
      const { memory } = this.kernel;
      const pages = Math.ceil((this.vecPtr + cap * d) / PAGE) - memory.buffer.byteLength / PAGE;
      if (pages > 0) memory.grow(pages);
      q = new Int8Array(memory.buffer, this.vecPtr, cap * d);
    } else {
      q = new Int8Array(cap * d);
      q.set(this.q);
    }
    const f = new Float32Array(cap * d);
    f.set(this.f);
    const scale = new Float32Array(cap);
    scale.set(this.scale);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    const lookNums = new Int32Array(cap);
    lookNums.set(this.lookNums);
    this.q = q;
    this.f = f;
    this.scale = scale;
    this.kinds = kinds;
    this.lookNums = lookNums;
    this.capacity = cap;
  }

  private internLook(lookId: string): number {
    let num = this.lookNumOf.get(lookId);
    if (num === undefined) {
      num = this.lookNumOf.size;
      this.lookNumOf.set(lookId, num);
    }
    return num;
  }
}

/** Fixed-capacity min-heap of (score, slot): keeps the `capacity` highest scores seen. */
class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  minScore(): number {
    return this.scores[0];
  }

  push(score: number, slot: number): void {
    const sc = this.scores;
    const sl = this.slots;
    if (this.size < this.capacity) {
      // Sift up.
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (sc[p] <= score) break;
        sc[i] = sc[p];
        sl[i] = sl[p];
        i = p;
      }
      sc[i] = score;
      sl[i] = slot;
      return;
    }
    if (score <= sc[0]) return;
    // Replace the root and sift down.
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && sc[r] < sc[l] ? r : l;
      if (sc[c] >= score) break;
      sc[i] = sc[c];
      sl[i] = sl[c];
      i = c;
    }
    sc[i] = score;
    sl[i] = slot;
  }
}
