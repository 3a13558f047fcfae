/** The page's one connection to the shared IndexedDB (schema and migrations live in common/db-open.ts). */
import { openMirrorDB } from '../../common/db-open';
import type { MirrorDb } from './looks';

let connection: Promise<MirrorDb> | null = null;

export function db(): Promise<MirrorDb> {
  connection ??= openMirrorDB().catch((error: unknown) => {
    connection = null;
    throw error;
  });
  return connection;
}
