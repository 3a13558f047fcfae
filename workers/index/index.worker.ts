/**
 * The index worker: similarity search over every stored look and garment vector, off the main thread.
 * Composition only; the logic is IndexService (tested in Node) over VectorIndex.
 *
 * Page side: wrap<IndexApi>(new Worker(new URL('.../index.worker.ts', import.meta.url), { type: 'module' })).
 */
import { expose } from 'comlink';
import { workerConnection } from '../../common/db-open';
import { IndexService, type IndexRecord, type IndexSearchOptions } from './index-service';

/** One connection per worker, opened on first use; reopened if it was closed for a newer version. */
const database = workerConnection();

const service = new IndexService(database);

export const api = {
  /** Reads all vectors from IndexedDB into a fresh index. */
  load: (modelVersion?: string) => service.load(modelVersion),
  /** Call after the page has written these VectorRecords to IndexedDB. Upsert by id; returns the size. */
  add: (records: IndexRecord[]) => service.add(records),
  remove: (ids: string[]) => service.remove(ids),
  removeLook: (lookId: string) => service.removeLook(lookId),
  search: (query: Float32Array, opts: IndexSearchOptions) => service.search(query, opts),
  /** Neighbours of the stored vector `id` (e.g. vectorId('look', lookId)), excluding itself. */
  similarTo: (id: string, opts: IndexSearchOptions) => service.similarTo(id, opts),
  count: () => service.count(),
  clear: () => service.clear(),
};

export type IndexApi = typeof api;

expose(api);
