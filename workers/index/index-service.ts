/**
 * The index worker's logic, apart from Comlink so that it runs in Node tests (fake-indexeddb). It keeps
 * a VectorIndex of every stored vector. IndexedDB is read on load only: the page writes VectorRecords
 * itself, in the same transaction as the analysis, and then calls add() / remove().
 *
 * Calls run one after another in arrival order (one queue), so a remove() sent while load() is still
 * reading IndexedDB is applied after the load and cannot be undone by it. After a load and after each batch of
 * changes the index gets `maintain()`, which partitions it from 20,000 vectors on (vector-index.ts).
 */
import { EMBEDDING_DIM } from '../../common/constants';
import type { MirrorDatabase } from '../../common/db-open';
import type { VectorKind } from '../../common/db-schema';
import { VectorIndex, type SearchHit } from './vector-index';

export interface IndexRecord {
  id: string;
  kind: VectorKind;
  lookId: string;
  vector: Float32Array;
}

export interface IndexSearchOptions {
  kind: VectorKind;
  k: number;
  minScore?: number;
  excludeLookId?: string;
}

export interface LoadResult {
  /** Vectors in the index after the load. */
  count: number;
  /** Wall time of the load (ms), IndexedDB reads included. */
  ms: number;
  /** Vectors left out because their modelVersion differs from the one asked for, or their length from dim. */
  skipped: number;
}

/**
 * A vector the index can hold: `dim` finite components, not all zero. A look with no garment found has a
 * zero look vector (the mean of none), which has no direction to compare; it is left out, not an error.
 */
function indexable(vector: Float32Array, dim: number): boolean {
  if (vector.length !== dim) return false;
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += vector[j] * vector[j];
  return norm > 0 && Number.isFinite(norm);
}

/** Records read per IndexedDB getAll: bounds memory during a load of 100k vectors (~5 KB each). */
const LOAD_BATCH = 1000;

export class IndexService {
  private index: VectorIndex;
  private queue: Promise<unknown> = Promise.resolve();
  /** The model version of the last load (undefined: any version of the right dim). */
  private modelVersion: string | undefined;

  constructor(
    private readonly openDb: () => Promise<MirrorDatabase>,
    dim = EMBEDDING_DIM,
  ) {
    this.index = new VectorIndex(dim);
  }

  /**
   * (Re)builds the index from the vectors store. With `modelVersion`, vectors made by other models are
   * left out (their similarities to the current model's vectors mean nothing); vectors of another length
   * than the index's dim (an older model's) are always left out.
   */
  load(modelVersion?: string): Promise<LoadResult> {
    return this.serial(async () => {
      const t0 = performance.now();
      const db = await this.openDb();
      // Sized up front: doubling from a small start would briefly hold ~1.5× the final arrays (100k
      // vectors take ~640 MB as float32 + int8).
      const fresh = new VectorIndex(this.index.dim, { initialCapacity: Math.max(1024, await db.count('vectors')) });
      let skipped = 0;
      let after: string | undefined;
      for (;;) {
        const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
        const batch = await db.getAll('vectors', range, LOAD_BATCH);
        for (const r of batch) {
          if ((modelVersion !== undefined && r.modelVersion !== modelVersion) || !indexable(r.vector, fresh.dim)) skipped++;
          else fresh.upsert(r);
        }
        if (batch.length < LOAD_BATCH) break;
        after = batch[batch.length - 1].id;
      }
      fresh.maintain();
      this.index = fresh;
      this.modelVersion = modelVersion;
      return { count: fresh.size, ms: performance.now() - t0, skipped };
    });
  }

  /**
   * Adds or replaces vectors (upsert by id); zero vectors are left out (and an older one of the same id
   * removed). Returns the index size.
   */
  add(records: IndexRecord[]): Promise<number> {
    return this.serial(() => {
      for (const r of records) {
        if (indexable(r.vector, this.index.dim)) this.index.upsert(r);
        else if (r.vector.length === this.index.dim) this.index.delete(r.id);
        else throw new RangeError(`vector ${r.id} has length ${r.vector.length}, expected ${this.index.dim}`);
      }
      this.index.maintain();
      return this.index.size;
    });
  }

  /** Removes vectors by id; returns how many were in the index. */
  remove(ids: string[]): Promise<number> {
    return this.serial(() => {
      const removed = ids.filter((id) => this.index.delete(id)).length;
      this.index.maintain();
      return removed;
    });
  }

  /** Removes every vector of one look (its look vector and its garments'); returns how many. */
  removeLook(lookId: string): Promise<number> {
    return this.serial(() => {
      const ids = this.index.idsOfLook(lookId);
      for (const id of ids) this.index.delete(id);
      this.index.maintain();
      return ids.length;
    });
  }

  search(query: Float32Array, opts: IndexSearchOptions): Promise<SearchHit[]> {
    return this.serial(() => this.index.search(query, opts));
  }

  /**
   * Neighbours of a stored vector (never the vector itself). The vector comes from the index, or from
   * IndexedDB when the index does not hold it; an id found in neither is an error, and so is a stored
   * vector of another model (version or length): its neighbours would be meaningless.
   */
  similarTo(id: string, opts: IndexSearchOptions): Promise<SearchHit[]> {
    return this.serial(async () => {
      let vector = this.index.get(id)?.vector;
      if (!vector) {
        const stored = await (await this.openDb()).get('vectors', id);
        if (stored && (stored.vector.length !== this.index.dim || (this.modelVersion !== undefined && stored.modelVersion !== this.modelVersion))) {
          throw new Error(`The vector of ${id} comes from another model version; it is being updated`);
        }
        vector = stored?.vector;
        // A zero vector (a look with no garment found) is like nothing.
        if (vector && !indexable(vector, this.index.dim)) return [];
      }
      if (!vector) throw new Error(`No vector is stored for ${id}`);
      return this.index.search(vector, { ...opts, excludeIds: [id] });
    });
  }

  count(): Promise<number> {
    return this.serial(() => this.index.size);
  }

  /** Empties the in-memory index (IndexedDB is the page's to clear). */
  clear(): Promise<void> {
    return this.serial(() => this.index.clear());
  }

  private serial<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    // A failed call must not block the ones after it.
    this.queue = run.catch(() => undefined);
    return run;
  }
}
