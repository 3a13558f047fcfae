/**
 * The page's handle on the index worker, which keeps the vectors in memory for similarity search. The
 * page writes vectors to IndexedDB itself (with the analysis, in one transaction) and then tells the
 * index; the index loads everything from IndexedDB on start. Once the current model version is known
 * (useModelVersion), only vectors of that version are loaded: during a re-embedding migration the looks
 * still on the old model are left out rather than compared with vectors of another model.
 */
import { wrap, type Remote } from 'comlink';
import type { IndexApi } from '../../workers/index/index.worker';
import type { VectorRecord } from '../../common/db-schema';

let api: Remote<IndexApi> | null = null;
let loaded: Promise<unknown> | null = null;
/** The model version whose vectors the index holds; undefined until known (then every vector of EMBEDDING_DIM). */
let modelVersion: string | undefined;

async function index(): Promise<Remote<IndexApi>> {
  if (!api) {
    const worker = new Worker(new URL('../../workers/index/index.worker.ts', import.meta.url), { type: 'module' });
    api = wrap<IndexApi>(worker);
  }
  const current = api;
  loaded ??= current.load(modelVersion).catch((e: unknown) => {
    loaded = null;
    throw e;
  });
  await loaded;
  return current;
}

export interface Hit {
  id: string;
  lookId: string;
  score: number;
}

export const searchIndex = {
  /** Keeps only vectors of this model version from now on (the index is reloaded on its next use). */
  useModelVersion(version: string): void {
    if (version === modelVersion) return;
    modelVersion = version;
    loaded = null;
  },
  /** Reads every vector from IndexedDB again on its next use (a restored backup wrote many at once, of any model). */
  reload(): void {
    loaded = null;
  },
  async add(vectors: VectorRecord[]): Promise<void> {
    if (vectors.length === 0) return;
    const i = await index();
    await i.add(vectors.map(({ id, kind, lookId, vector }) => ({ id, kind, lookId, vector })));
  },
  async remove(ids: string[]): Promise<void> {
    await (await index()).remove(ids);
  },
  async removeLook(lookId: string): Promise<void> {
    await (await index()).removeLook(lookId);
  },
  async similarTo(id: string, opts: { kind: 'look' | 'garment'; k: number; minScore?: number; excludeLookId?: string }): Promise<Hit[]> {
    return (await index()).similarTo(id, opts);
  },
  async count(): Promise<number> {
    const c: unknown = await (await index()).count();
    return typeof c === 'number' ? c : 0;
  },
  async clear(): Promise<void> {
    await (await index()).clear();
  },
};
