/**
 * In-memory vector index for look and garment vectors. Pure and DOM-free: it runs in the index worker, in
 * Node (CLI, unit tests) and in benchmarks alike.
 *
 * Search is a two-stage scan:
 *  1. every vector is stored twice, as int8 (symmetric quantisation of the L2-normalised vector, one scale
 *     per vector: v ≈ q * scale, q in [-127, 127]) and as float32. The int8 copy (1 byte per component)
 *     is scanned with integer dot products to pick a shortlist of max(4k, 50) candidates; the scan reads
 *     a quarter of the bytes a float scan would, which is what bounds it;
 *  2. the shortlist is re-ranked with the float32 vectors by cosine similarity (a dot product, as both
 *     sides are normalised), so returned scores are exact.
 *
 * `maintain()` builds a coarse partition (an inverted file, "IVF"): spherical k-means puts round(sqrt(n))
 * centroids over the vectors, the slots are reordered so that each centroid's vectors (its list) lie together,
 * and each int8 copy becomes the vector's residual from its list's mean (finer where vectors crowd together).
 * Below `partitionMin` vectors (PARTITION_MIN, 20,000: a full scan there takes well under a millisecond) every
 * list is scanned, so search stays exact up to the int8 shortlist. From it on a query scans the centroids, then
 * only the lists of its `probe` nearest centroids (PROBE) and the tail of vectors added since the partition
 * was built; where the filters leave fewer candidates than the shortlist wants, further lists are scanned,
 * nearest first, until it is full or every list has been scanned. At 100k vectors that reads about 2.5k
 * vectors instead of 100k; recall@10 against the exact scan, on synthetic and on real garment vectors, is
 * in BENCHMARKS.md.
 *
 * Storage is slot-based: slot i holds vector i in one contiguous Int8Array (slots × dim) and one
 * contiguous Float32Array (slots × dim), both growing by doubling. Without a partition, delete moves the
 * last slot into the freed one (swap-remove, O(dim)), so slots 0..size-1 are dense. With one, a slot of a
 * list is marked dead instead (its list must stay together) and an upserted vector of a list moves to the
 * tail; `maintain()` rebuilds the partition once the tail or the dead slots pass a tenth of the vectors in lists.
 */
import type { VectorKind } from '../../common/db-schema';
import { createDotKernel, kernelSupportsDim, type DotKernel } from './int8-dot';
import { rng } from '../../common/random';

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

/** From this many vectors on, `maintain()` partitions the index (IVF); below it, every search scans all. */
export const PARTITION_MIN = 20_000;
/** Lists scanned per query in a partitioned index: those of the nearest centroids. */
export const PROBE = 8;
/** The partition is rebuilt when the tail (vectors added since) or the dead slots pass this share of it. */
const STALE_SHARE = 0.1;
/** k-means: vectors sampled per centroid, iterations, and the most centroids. */
const KMEANS_SAMPLE = 16;
const KMEANS_ITERATIONS = 8;
const MAX_LISTS = 4096;

export interface VectorIndexOptions {
  /** Slots allocated up front (vectors); the arrays double when full. */
  initialCapacity?: number;
  /** Scan with the WebAssembly SIMD kernel where available (default true); false forces the JS loop. */
  wasm?: boolean;
  /** Size from which `maintain()` partitions the index (default PARTITION_MIN). */
  partitionMin?: number;
  /** Lists scanned per query in a partitioned index (default PROBE). */
  probe?: number;
}

/** The coarse partition: slots [start[l], start[l + 1]) are list l's; slots from `built` on are the tail. */
interface Partition {
  lists: number;
  /** Below partitionMin every list is scanned: the lists then only serve the residuals' precision. */
  probeAll: boolean;
  start: Int32Array;
  built: number;
  centroids: Int8Rows;
  /** lists × dim: each list's mean vector (not normalised); its vectors' int8 copies are residuals from it. */
  means: Float32Array;
  /** Scratch for the centroid scores of one query. */
  scores: Float32Array;
  /** Scratch: lists already scanned by the current query. */
  scanned: Uint8Array;
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
  private readonly partitionMin: number;
  private readonly probe: number;
  private part: Partition | null = null;
  private scannedSlots = 0;
  /** Dead slots (only inside a partition's lists: kind code 0, no id). */
  private dead = 0;

  constructor(dim: number, options: VectorIndexOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.capacity = Math.max(1, Math.floor(options.initialCapacity ?? 1024));
    this.partitionMin = Math.max(2, Math.floor(options.partitionMin ?? PARTITION_MIN));
    this.probe = Math.max(1, Math.floor(options.probe ?? PROBE));
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
    return this.n - this.dead;
  }

  /** Slots the last search scanned in stage 1 (its centroids not counted): for benchmarks. */
  get lastScanned(): number {
    return this.scannedSlots;
  }

  /** How stage 1 scans: 'exact' (every vector, in lists or not) or the partition's lists and probes (for benchmarks). */
  get layout(): string {
    const p = this.part;
    if (!p) return 'exact';
    return p.probeAll ? `exact (${p.lists} lists, all scanned)` : `${p.lists} lists, ${this.probe} probed`;
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
    // A vector of a list may belong to another list now: it moves to the tail.
    if (slot !== undefined && this.part && slot < this.part.built) {
      this.kill(slot);
      slot = undefined;
    }
    if (slot === undefined) {
      if (this.n === this.capacity) this.grow();
      slot = this.n++;
      this.slotOf.set(entry.id, slot);
      this.ids[slot] = entry.id;
    }
    const off = slot * d;
    const inv = 1 / norm;
    for (let j = 0; j < d; j++) this.f[off + j] = v[j] * inv;
    this.scale[slot] = quantise(this.f, off, this.q, off, d);
    this.kinds[slot] = kindCode;
    this.lookIds[slot] = entry.lookId;
    this.lookNums[slot] = this.internLook(entry.lookId);
  }

  /**
   * Removes one vector; returns false when the id was not stored. O(dim): the last slot moves into the hole,
   * or, in a partition's list, the slot is marked dead.
   */
  delete(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    if (this.part && slot < this.part.built) {
      this.kill(slot);
      return true;
    }
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
    this.dead = 0;
    this.part = null;
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
    if (this.size === 0) return [];

    // Normalise and quantise the query the same way as stored vectors.
    let norm = 0;
    for (let j = 0; j < d; j++) norm += query[j] * query[j];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError('query is zero or not finite');
    const qf = new Float32Array(d);
    for (let j = 0; j < d; j++) qf[j] = query[j] / norm;
    const qq = new Int8Array(d);
    const qScale = quantise(qf, 0, qq, 0, d);

    // Filters, as slot tests: kind code (0: a dead slot), look number, excluded slots.
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
    const kinds = this.kinds;
    const lookNums = this.lookNums;
    const keep = (i: number): boolean =>
      (wantKind === 0 ? kinds[i] !== 0 : kinds[i] === wantKind) && lookNums[i] !== exLook && (exSlots === null || !exSlots.has(i));

    // Stage 1: int8 scan into a bounded min-heap of approximate scores: qf · v ≈ qf · mean + qScale × scale × (qq · q)
    // for a vector of a list (q: its residual from the list's mean), qScale × scale × (qq · q) for one of the tail.
    const cap = Math.max(SHORTLIST_FACTOR * k, SHORTLIST_MIN);
    const heap = new TopK(cap);
    if (this.kernel) new Int16Array(this.kernel.memory.buffer, 0, d).set(qq);
    this.scannedSlots = 0;
    const p = this.part;
    if (!p) this.scanRange(0, this.n, 0, qScale, qq, heap, keep);
    else {
      // The lists of the `probe` nearest centroids, the tail, then more lists only while the filters
      // have left the shortlist short.
      const list = (l: number): void => {
        let base = 0;
        for (let j = 0, o = l * d; j < d; j++) base += qf[j] * p.means[o + j];
        this.scanRange(p.start[l], p.start[l + 1], base, qScale, qq, heap, keep);
      };
      if (!p.probeAll) p.centroids.scores(qq, p.scores);
      p.scanned.fill(0);
      const first = p.probeAll ? null : nearest(p.scores, Math.min(this.probe, p.lists));
      if (first === null) for (let l = 0; l < p.lists; l++) list(l);
      else
        for (const l of first) {
          p.scanned[l] = 1;
          list(l);
        }
      this.scanRange(p.built, this.n, 0, qScale, qq, heap, keep);
      if (first !== null && heap.size < cap && first.length < p.lists) {
        const rest = Array.from({ length: p.lists }, (_, l) => l).filter((l) => !p.scanned[l]);
        rest.sort((x, y) => p.scores[y] - p.scores[x]);
        for (const l of rest) {
          if (heap.size >= cap) break;
          list(l);
        }
      }
    }

    // Stage 2: exact float re-rank of the shortlist into the k best.
    const f = this.f;
    const minScore = opts.minScore ?? -Infinity;
    const best = new TopK(k);
    for (let h = 0; h < heap.size; h++) {
      const slot = heap.slots[h];
      const base = slot * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += f[base + j] * qf[j];
      if (s >= minScore && (best.size < k || s > best.minScore())) best.push(s, slot);
    }
    const hits: SearchHit[] = [];
    for (let h = 0; h < best.size; h++) {
      const slot = best.slots[h];
      hits.push({ id: this.ids[slot], lookId: this.lookIds[slot], kind: KIND_NAME[kinds[slot]], score: best.scores[h] });
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return hits;
  }

  /**
   * Builds, rebuilds or drops the coarse partition when the size or the changes since call for it; returns
   * true when it did. Search never does this itself: the index worker calls it after a load and after
   * each batch of changes. At 100k vectors a build took 2.2 s in the browser (BENCHMARKS.md, `search.100k.build_ms`).
   */
  maintain(): boolean {
    const p = this.part;
    const live = this.size;
    if (live === 0) {
      if (!p && this.n === 0) return false;
      this.clear();
      return true;
    }
    // Rebuilt when the tail or the dead slots pass a tenth of the lists, or the size crosses partitionMin.
    if (p && p.probeAll === live < this.partitionMin && this.n - p.built <= STALE_SHARE * p.built && this.dead <= STALE_SHARE * p.built) return false;
    this.partition(Math.max(1, Math.min(MAX_LISTS, Math.round(Math.sqrt(live)))), live < this.partitionMin);
    return true;
  }

  /** Stage 1 over slots [start, end): every kept slot's approximate score, base + mul × scale × (qq · q), offered to the heap. */
  private scanRange(start: number, end: number, base: number, mul: number, qq: Int8Array, heap: TopK, keep: (i: number) => boolean): void {
    const d = this.dim;
    const scale = this.scale;
    const cap = heap.capacity;
    this.scannedSlots += end - start;
    if (this.kernel) {
      // The query is already in the kernel's memory (search writes it once).
      const dots = new Int32Array(this.kernel.memory.buffer, this.outPtr, CHUNK);
      for (let from = start; from < end; from += CHUNK) {
        const count = Math.min(CHUNK, end - from);
        this.kernel.scan(this.vecPtr + from * d, 0, d, count, this.outPtr);
        for (let t = 0; t < count; t++) {
          const i = from + t;
          if (!keep(i)) continue;
          const approx = base + mul * dots[t] * scale[i];
          if (heap.size < cap || approx > heap.minScore()) heap.push(approx, i);
        }
      }
      return;
    }
    const q = this.q;
    for (let i = start; i < end; i++) {
      if (!keep(i)) continue;
      const approx = base + mul * dotInt8(q, i * d, qq, d) * scale[i];
      if (heap.size < cap || approx > heap.minScore()) heap.push(approx, i);
    }
  }

  /** Marks a slot of a partition's list dead: it keeps its place (its list stays together) and matches nothing. */
  private kill(slot: number): void {
    this.slotOf.delete(this.ids[slot]);
    this.kinds[slot] = 0;
    this.lookNums[slot] = -1;
    this.ids[slot] = '';
    this.lookIds[slot] = '';
    this.dead++;
  }

  /** Spherical k-means over a sample, every vector to its nearest centroid, slots reordered list by list. */
  private partition(lists: number, probeAll: boolean): void {
    this.compact();
    const n = this.n;
    const d = this.dim;
    // Back to plain int8 copies (vectors of the old lists hold residuals): k-means assigns by them.
    for (let i = 0; i < n; i++) this.scale[i] = quantise(this.f, i * d, this.q, i * d, d);
    const rand = rng(0x1f5eed);
    // A seeded sample of KMEANS_SAMPLE vectors per centroid (partial Fisher-Yates).
    const m = Math.min(n, lists * KMEANS_SAMPLE);
    const pick = new Int32Array(n);
    for (let i = 0; i < n; i++) pick[i] = i;
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = pick[i];
      pick[i] = pick[j];
      pick[j] = t;
    }
    const f = this.f;
    const cent = new Float32Array(lists * d);
    for (let c = 0; c < lists; c++) cent.set(f.subarray(pick[c] * d, pick[c] * d + d), c * d);
    const rows = new Int8Rows(d, lists, this.kernel !== null);
    const counts = new Int32Array(lists);
    for (let it = 0; lists > 1 && it < KMEANS_ITERATIONS; it++) {
      rows.load(cent);
      cent.fill(0);
      counts.fill(0);
      for (let s = 0; s < m; s++) {
        const i = pick[s];
        const c = rows.nearest(this.q, i * d);
        counts[c]++;
        const base = i * d;
        const cb = c * d;
        for (let j = 0; j < d; j++) cent[cb + j] += f[base + j];
      }
      for (let c = 0; c < lists; c++) {
        const cb = c * d;
        if (counts[c] === 0) {
          // An empty list restarts from a random sampled vector.
          const i = pick[Math.floor(rand() * m)];
          cent.set(f.subarray(i * d, i * d + d), cb);
          continue;
        }
        let norm = 0;
        for (let j = 0; j < d; j++) norm += cent[cb + j] * cent[cb + j];
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < d; j++) cent[cb + j] *= inv;
      }
    }
    rows.load(cent);
    // Every vector to its list; a counting sort gives the new slot order.
    const listOf = new Int32Array(n);
    const start = new Int32Array(lists + 1);
    for (let i = 0; i < n; i++) {
      const c = lists > 1 ? rows.nearest(this.q, i * d) : 0;
      listOf[i] = c;
      start[c + 1]++;
    }
    for (let c = 0; c < lists; c++) start[c + 1] += start[c];
    const fill = start.slice(0, lists);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[listOf[i]]++] = i;
    this.permute(order);
    // Each list's mean, and its vectors stored in int8 as residuals from it: a residual is much shorter than
    // the vector where the vectors crowd together, so the same 8 bits resolve far finer differences there.
    const means = new Float32Array(lists * d);
    const f2 = this.f;
    for (let l = 0; l < lists; l++) {
      const o = l * d;
      for (let i = start[l]; i < start[l + 1]; i++) for (let j = 0; j < d; j++) means[o + j] += f2[i * d + j];
      const count = start[l + 1] - start[l];
      for (let j = 0; j < d; j++) means[o + j] /= Math.max(1, count);
    }
    const residual = new Float32Array(d);
    for (let l = 0; l < lists; l++) {
      for (let i = start[l]; i < start[l + 1]; i++) {
        for (let j = 0; j < d; j++) residual[j] = f2[i * d + j] - means[l * d + j];
        this.scale[i] = quantise(residual, 0, this.q, i * d, d);
      }
    }
    this.part = { lists, probeAll, start, built: n, centroids: rows, means, scores: new Float32Array(lists), scanned: new Uint8Array(lists) };
  }

  /** Drops dead slots, keeping the order of the others. */
  private compact(): void {
    if (this.dead === 0) return;
    const keepSlots: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.kinds[i] !== 0) keepSlots.push(i);
    this.permute(Int32Array.from(keepSlots));
    this.dead = 0;
  }

  /** Puts old slot order[i] into slot i, for i < order.length; the index then holds order.length slots. */
  private permute(order: Int32Array): void {
    const d = this.dim;
    const n = order.length;
    const q = this.q.slice(0, this.n * d);
    const f = this.f.slice(0, this.n * d);
    const scale = this.scale.slice(0, this.n);
    const kinds = this.kinds.slice(0, this.n);
    const lookNums = this.lookNums.slice(0, this.n);
    const ids = this.ids;
    const lookIds = this.lookIds;
    this.ids = new Array<string>(n);
    this.lookIds = new Array<string>(n);
    this.slotOf.clear();
    for (let i = 0; i < n; i++) {
      const o = order[i];
      this.q.set(q.subarray(o * d, o * d + d), i * d);
      this.f.set(f.subarray(o * d, o * d + d), i * d);
      this.scale[i] = scale[o];
      this.kinds[i] = kinds[o];
      this.lookNums[i] = lookNums[o];
      this.ids[i] = ids[o];
      this.lookIds[i] = lookIds[o];
      this.slotOf.set(ids[o], i);
    }
    this.n = n;
  }

  /** Bytes held by the vector arrays (capacity, not size) and the partition: for Settings and benchmarks. */
  get bytes(): number {
    return (
      (this.kernel ? this.kernel.memory.buffer.byteLength : this.q.byteLength) + this.f.byteLength + this.scale.byteLength +
      this.kinds.byteLength + this.lookNums.byteLength + (this.part ? this.part.centroids.bytes + this.part.start.byteLength : 0)
    );
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

/** Quantises src[from..from+dim) (normalised) into dst as int8 in [-127, 127]; returns the scale (v ≈ q * scale). */
function quantise(src: Float32Array, from: number, dst: Int8Array, to: number, dim: number): number {
  let maxAbs = 0;
  for (let j = 0; j < dim; j++) {
    const a = Math.abs(src[from + j]);
    if (a > maxAbs) maxAbs = a;
  }
  const s = maxAbs / 127;
  const inv = s > 0 ? 1 / s : 0;
  for (let j = 0; j < dim; j++) dst[to + j] = Math.round(src[from + j] * inv);
  return s;
}

/** Integer dot product of q[base..base+dim) and qq, in JS (where the WASM kernel is not used). */
function dotInt8(q: Int8Array, base: number, qq: Int8Array, dim: number): number {
  // Four independent int32 accumulators: |q| <= 127, so one product is < 2^14 and a sum of dim of them
  // stays far below 2^31; `| 0` keeps V8 on integer arithmetic.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  const d4 = dim - (dim % 4);
  for (; j < d4; j += 4) {
    s0 = (s0 + q[base + j] * qq[j]) | 0;
    s1 = (s1 + q[base + j + 1] * qq[j + 1]) | 0;
    s2 = (s2 + q[base + j + 2] * qq[j + 2]) | 0;
    s3 = (s3 + q[base + j + 3] * qq[j + 3]) | 0;
  }
  for (; j < dim; j++) s0 = (s0 + q[base + j] * qq[j]) | 0;
  return s0 + s1 + s2 + s3;
}

/** Indices of the m highest scores, best first (m small: an insertion into a short sorted list). */
function nearest(scores: Float32Array, m: number): number[] {
  const best: number[] = [];
  for (let l = 0; l < scores.length; l++) {
    const s = scores[l];
    if (best.length === m && s <= scores[best[m - 1]]) continue;
    let at = best.length === m ? m - 1 : best.length;
    while (at > 0 && scores[best[at - 1]] < s) {
      if (at < m) best[at] = best[at - 1];
      at--;
    }
    best[at] = l;
  }
  return best;
}

/**
 * A fixed set of int8 rows (the partition's centroids) with their scales, scored against an int8 query by the
 * same WASM kernel as the vectors, in its own memory (query as int16 at 0, int32 results, then the rows).
 */
class Int8Rows {
  private readonly kernel: DotKernel | null;
  private readonly q: Int8Array;
  private readonly scale: Float32Array;
  private readonly outPtr: number;
  private readonly rowPtr: number;
  private readonly dots: Float32Array;

  constructor(
    private readonly dim: number,
    readonly count: number,
    wasm: boolean,
  ) {
    this.outPtr = Math.ceil((dim * 2) / 16) * 16;
    this.rowPtr = Math.ceil((this.outPtr + count * 4) / 16) * 16;
    this.kernel = wasm ? createDotKernel(Math.ceil((this.rowPtr + count * dim) / PAGE)) : null;
    this.q = this.kernel ? new Int8Array(this.kernel.memory.buffer, this.rowPtr, count * dim) : new Int8Array(count * dim);
    this.scale = new Float32Array(count);
    this.dots = new Float32Array(count);
  }

  get bytes(): number {
    return (this.kernel ? this.kernel.memory.buffer.byteLength : this.q.byteLength) + this.scale.byteLength + this.dots.byteLength;
  }

  /** Sets every row from count × dim normalised floats. */
  load(rows: Float32Array): void {
    for (let r = 0; r < this.count; r++) this.scale[r] = quantise(rows, r * this.dim, this.q, r * this.dim, this.dim);
  }

  /** out[r] = dot(query, row r) × row r's scale (the query's own scale left out), for the query qq[from..from+dim). */
  scores(qq: Int8Array, out: Float32Array, from = 0): void {
    const d = this.dim;
    if (this.kernel) {
      const buf = this.kernel.memory.buffer;
      const q16 = new Int16Array(buf, 0, d);
      for (let j = 0; j < d; j++) q16[j] = qq[from + j];
      this.kernel.scan(this.rowPtr, 0, d, this.count, this.outPtr);
      const dots = new Int32Array(buf, this.outPtr, this.count);
      for (let r = 0; r < this.count; r++) out[r] = dots[r] * this.scale[r];
      return;
    }
    const query = from === 0 && qq.length === d ? qq : qq.subarray(from, from + d);
    for (let r = 0; r < this.count; r++) out[r] = dotInt8(this.q, r * d, query, d) * this.scale[r];
  }

  /** The row nearest (highest score) to the query qq[from..from+dim). */
  nearest(qq: Int8Array, from: number): number {
    this.scores(qq, this.dots, from);
    let best = 0;
    for (let r = 1; r < this.count; r++) if (this.dots[r] > this.dots[best]) best = r;
    return best;
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
