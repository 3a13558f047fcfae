/**
 * The app's IndexedDB ("mirror") from inside the page, for tests that read what the app stored or seed records
 * the app would have made. One way to open it and wait on its requests, instead of each spec's own lines.
 */
import type { Page } from '@playwright/test';

/** What a page function gets from withDb. */
export interface PageDb {
  db: IDBDatabase;
  /** The result of a request (rejects with its error). */
  result<T>(request: IDBRequest<T>): Promise<T>;
  /** Every record of `store`, read in `tx` or in a read-only transaction of its own. */
  all<T = any>(store: string, tx?: IDBTransaction): Promise<T[]>;
  /** Resolves when `tx` has committed; rejects if it fails. */
  committed(tx: IDBTransaction): Promise<void>;
}

// Runs in the page: self-contained, no reference to this module.
async function openPageDb(): Promise<PageDb> {
  const result = <T,>(request: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const db = await result(indexedDB.open('mirror'));
  return {
    db,
    result,
    all: (store, tx) => result((tx ?? db.transaction(store)).objectStore(store).getAll()),
    committed: (tx) =>
      new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  };
}

/**
 * Runs `fn(pageDb, arg)` in the page with the database open, and closes it afterwards. page.evaluate sends a
 * function's source, not its closure, so the helpers travel as source too; `arg` travels as JSON.
 */
export function withDb<R, A = null>(page: Page, fn: (d: PageDb, arg: A) => Promise<R>, arg?: A): Promise<R> {
  return page.evaluate(
    `(${openPageDb.toString()})().then((d) => (${fn.toString()})(d, ${JSON.stringify(arg ?? null)}).finally(() => d.db.close()))`,
  ) as Promise<R>;
}
