/** The page's one connection to the shared IndexedDB (schema and migrations live in common/db-open.ts). */
import { openMirrorDB } from '../../common/db-open';
import type { MirrorDb } from './looks';

let connection: Promise<MirrorDb> | null = null;

/**
 * Opens on first use. A newer version opened in another tab closes this connection (see openMirrorDB),
 * so the next call opens again rather than failing with InvalidStateError.
 */
export function db(): Promise<MirrorDb> {
  connection ??= openMirrorDB().then((d) => {
    d.addEventListener('close', () => (connection = null));
    d.addEventListener('versionchange', () => (connection = null));
    return d;
  });
  connection.catch(() => (connection = null));
  return connection;
}
