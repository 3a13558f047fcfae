/**
 * Opens Mirror's IndexedDB database, creating or migrating it as needed. The ONE place where the schema
 * is built: the page (src/db/connection.ts) and the index worker both open the database through here, so
 * whichever realm opens it first creates it correctly.
 *
 * Migrations are numbered steps: MIGRATIONS[i] takes the database from version i to version i + 1, and an
 * upgrade from oldVersion runs steps oldVersion .. DB_VERSION - 1 in order, inside the versionchange
 * transaction. To change the schema: append a step, bump DB_VERSION in constants.ts and update the
 * MirrorDB type in db-schema.ts. Never edit a step that has shipped.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Category } from './categories';
import { renameColours } from './colour-names';
import { DB_NAME, DB_VERSION } from './constants';
import type { MirrorDB } from './db-schema';
import { summarise } from './look-summary';
import type { GarmentColour } from './types';

export type MirrorDatabase = IDBPDatabase<MirrorDB>;
type UpgradeTransaction = IDBPTransaction<MirrorDB, StoreNames<MirrorDB>[], 'versionchange'>;
type Migration = (db: MirrorDatabase, tx: UpgradeTransaction) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: the first schema.
  (db) => {
    const looks = db.createObjectStore('looks', { keyPath: 'id' });
    looks.createIndex('byAdded', 'addedAt');
    looks.createIndex('byStatus', 'status');
    const garments = db.createObjectStore('garments', { keyPath: 'id' });
    garments.createIndex('byLook', 'lookId');
    const vectors = db.createObjectStore('vectors', { keyPath: 'id' });
    vectors.createIndex('byLook', 'lookId');
    vectors.createIndex('byKind', 'kind');
    // Out-of-line keys: one record per setting name.
    db.createObjectStore('settings');
  },
  // 1 -> 2: catalog packs (related products), their images, and the ledger of requests to other origins.
  (db) => {
    db.createObjectStore('packs', { keyPath: 'id' });
    const images = db.createObjectStore('packImages', { keyPath: ['packId', 'path'] });
    images.createIndex('byPack', 'packId');
    const network = db.createObjectStore('network', { keyPath: 'id', autoIncrement: true });
    network.createIndex('byAt', 'at');
  },
  // 2 -> 3: the wardrobe's pieces (the same garment across looks).
  (db) => {
    db.createObjectStore('pieces', { keyPath: 'id' });
  },
  // 3 -> 4: likes and dislikes of suggested outfits, and the taste learned from them.
  (db) => {
    const feedback = db.createObjectStore('outfitFeedback', { keyPath: 'key' });
    feedback.createIndex('byAt', 'at');
    db.createObjectStore('outfitTaste', { keyPath: 'id' });
  },
  // 4 -> 5: colour names with shades (common/colour-names.ts, 2026-12-04): a light blue shirt was "grey" and a
  // burgundy coat in shadow "black". Data only: every garment's stored colours are named again from their own rgb,
  // and every look's summary is made again from its garments.
  (_db, tx) => {
    renameStoredColours(tx).catch(() => {
      // Nothing half renamed: the upgrade is undone (a failed request has aborted it already).
      try {
        tx.abort();
      } catch {
        /* already aborted */
      }
    });
  },
];

/**
 * Step 4 -> 5. Awaits only this transaction's own requests, so the versionchange transaction stays open until it is
 * done; the database opens with every record renamed, or (on any error) is not upgraded at all.
 */
async function renameStoredColours(tx: UpgradeTransaction): Promise<void> {
  const byLook = new Map<string, { category: Category; colours: GarmentColour[] }[]>();
  for (let c = await tx.objectStore('garments').openCursor(); c; c = await c.continue()) {
    const colours = renameColours(c.value.colours);
    const siblings = byLook.get(c.value.lookId) ?? [];
    siblings.push({ category: c.value.category, colours });
    byLook.set(c.value.lookId, siblings);
    await c.update({ ...c.value, colours });
  }
  for (let c = await tx.objectStore('looks').openCursor(); c; c = await c.continue()) {
    if (c.value.status === 'analysed') await c.update({ ...c.value, ...summarise(byLook.get(c.value.id) ?? []) });
  }
}

if (MIGRATIONS.length !== DB_VERSION) {
  throw new Error(`common/db-open.ts has ${MIGRATIONS.length} migrations but DB_VERSION is ${DB_VERSION}`);
}

export interface OpenOptions {
  /** Database name; tests pass their own. Default DB_NAME. */
  name?: string;
  /** Called when another tab holds an older version open and this open has to wait for it to close. */
  onBlocked?: () => void;
}

/**
 * Opens (creating or migrating) the database. When a newer version is opened elsewhere (another tab after
 * an update), this connection closes itself so that the upgrade is not blocked; later calls on it then
 * fail with InvalidStateError, and the caller should open again.
 */
export function openMirrorDB(options: OpenOptions = {}): Promise<MirrorDatabase> {
  return openDB<MirrorDB>(options.name ?? DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, newVersion, tx) {
      const target = newVersion ?? DB_VERSION;
      for (let v = oldVersion; v < target; v++) MIGRATIONS[v](db, tx);
    },
    blocked: () => options.onBlocked?.(),
    // The versionchange event's target is this connection (the raw IDBDatabase under idb's wrapper).
    blocking: (_current, _blocked, event) => (event.target as { close(): void } | null)?.close(),
  });
}

/**
 * A worker's connection: opened on first use, reopened after it was closed (a newer version elsewhere, or
 * the browser closing it). Each call of the returned function gives the current connection.
 */
export function workerConnection(options: OpenOptions = {}): () => Promise<MirrorDatabase> {
  let connection: Promise<MirrorDatabase> | null = null;
  return () => {
    connection ??= openMirrorDB(options).then((db) => {
      db.addEventListener('close', () => (connection = null));
      db.addEventListener('versionchange', () => (connection = null));
      return db;
    });
    connection.catch(() => (connection = null));
    return connection;
  };
}
