/**
 * Explicit, verified caching of the model files for offline use. The service worker's precache cannot
 * hold them (Workbox skips files over maximumFileSizeToCacheInBytes, and 12 MB of weights have no place
 * in the install step), so the page downloads them here into the MODEL_CACHE cache, with progress, and
 * the service worker serves /models/** from that cache.
 *
 * Every file is checked against the byte count and sha256 listed in models/manifest.json (written by
 * scripts/provision-models.mjs) before it is stored; a file already cached with the same sha256 is not
 * downloaded again. The manifest itself is stored last, so a cached manifest means a complete set.
 * Only this origin is ever contacted.
 */
import { MODEL_CACHE, MODEL_MANIFEST_PATH, MODELS_PATH, SHA256_HEADER } from './constants';

export interface ModelFile {
  /** Relative to models/, e.g. "movenet-lightning/model.json". */
  path: string;
  bytes: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface ModelEntry {
  name: string;
  use: string;
  version: string;
  source: string;
  license: string;
  files: ModelFile[];
  /** false: listed for its provenance only (a base for training), never downloaded by the app. */
  app?: boolean;
}

export interface ModelManifest {
  models: ModelEntry[];
}

export interface ModelCacheProgress {
  /** Files finished (downloaded and verified, or already cached). */
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
  /** The file being downloaded, when one is. */
  file?: string;
}

export interface ModelCacheStatus {
  /** Cache Storage is there at all (it is not on plain http other than localhost). */
  supported: boolean;
  /** Every file of the current manifest is cached. */
  complete: boolean;
  /** The browser promised not to evict this origin's storage (navigator.storage.persisted()). */
  persisted: boolean;
  cache: string;
  files: number;
  filesCached: number;
  bytesTotal: number;
  bytesCached: number;
  models: { name: string; version: string; bytes: number; cached: boolean }[];
}

/** Thrown when a downloaded file does not match the manifest; the file is not stored. */
export class ModelIntegrityError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`Model file ${path} is damaged (${detail}). Try again; if it keeps failing, reinstall the app.`);
    this.name = 'ModelIntegrityError';
  }
}

const base = (): URL => new URL(import.meta.env.BASE_URL, location.href);
const fileUrl = (path: string): string => new URL(MODELS_PATH + path, base()).href;
const manifestUrl = (): string => new URL(MODEL_MANIFEST_PATH, base()).href;

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(data: BufferSource): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', data));
}

/** Checks models/manifest.json and keeps the models the app uses (entries with `app: false` are left out). */
export function parseManifest(value: unknown): ModelManifest {
  const models = (value as { models?: unknown } | null)?.models;
  const valid =
    Array.isArray(models) &&
    models.every(
      (m: ModelEntry) =>
        typeof m?.name === 'string' &&
        Array.isArray(m.files) &&
        m.files.every(
          (f) =>
            typeof f?.path === 'string' &&
            !f.path.includes('..') &&
            Number.isInteger(f.bytes) &&
            typeof f.sha256 === 'string' &&
            /^[0-9a-f]{64}$/.test(f.sha256),
        ),
    );
  if (!valid) throw new Error('The model list (models/manifest.json) is not valid.');
  // Only what the app loads is cached (and counted); training-only entries stay on the server.
  return { models: (models as ModelEntry[]).filter((m) => m.app !== false) };
}

/** The manifest from the network (through the service worker, which falls back to the cached copy offline). */
async function fetchManifest(signal?: AbortSignal): Promise<{ manifest: ModelManifest; text: string }> {
  const response = await fetch(manifestUrl(), { cache: 'no-cache', signal });
  if (!response.ok) throw new Error(`Could not read the model list (HTTP ${response.status}).`);
  const text = await response.text();
  return { manifest: parseManifest(JSON.parse(text)), text };
}

/** Reads a response body in chunks, reporting bytes as they arrive. */
async function readBody(response: Response, onBytes: (n: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) {
    const buf = new Uint8Array(await response.arrayBuffer());
    onBytes(buf.byteLength);
    return buf;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
    onBytes(value.byteLength);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Downloads every model file not yet cached (or cached with another sha256) into the model cache,
 * verifying bytes and sha256, and reports progress after each chunk. Resolves with the final status.
 * Rejects with an AbortError when `signal` aborts (files finished so far stay cached), with a
 * ModelIntegrityError when a file does not match the manifest, or with a TypeError when offline.
 */
export async function ensureModelsCached(
  onProgress: (p: ModelCacheProgress) => void,
  signal?: AbortSignal,
): Promise<ModelCacheStatus> {
  if (!('caches' in globalThis)) throw new Error('This browser cannot store files for offline use here (Cache Storage is missing).');
  const { manifest, text } = await fetchManifest(signal);
  const files = manifest.models.flatMap((m) => m.files);
  const total = files.length;
  const bytesTotal = files.reduce((s, f) => s + f.bytes, 0);
  const cache = await caches.open(MODEL_CACHE);
  let done = 0;
  let bytesDone = 0;
  onProgress({ done, total, bytesDone, bytesTotal });

  for (const file of files) {
    signal?.throwIfAborted();
    const url = fileUrl(file.path);
    const cached = await cache.match(url);
    if (cached && cached.headers.get(SHA256_HEADER) === file.sha256) {
      done++;
      bytesDone += file.bytes;
      onProgress({ done, total, bytesDone, bytesTotal });
      continue;
    }
    // A stale copy must go first: the service worker serves /models/** from this cache before the network.
    if (cached) await cache.delete(url);
    const before = bytesDone;
    const response = await fetch(url, { cache: 'no-cache', signal });
    if (!response.ok) throw new Error(`Could not download ${file.path} (HTTP ${response.status}).`);
    const body = await readBody(response, (n) => {
      // Never report more than the file's share, even if the server sends more than listed.
      bytesDone = Math.min(bytesDone + n, before + file.bytes);
      onProgress({ done, total, bytesDone, bytesTotal, file: file.path });
    });
    if (body.byteLength !== file.bytes) {
      throw new ModelIntegrityError(file.path, `${body.byteLength} bytes instead of ${file.bytes}`);
    }
    const digest = await sha256Hex(body);
    if (digest !== file.sha256) throw new ModelIntegrityError(file.path, 'its sha256 does not match');
    await cache.put(
      url,
      new Response(body, {
        headers: {
          'Content-Type': response.headers.get('Content-Type') ?? 'application/octet-stream',
          'Content-Length': String(body.byteLength),
          [SHA256_HEADER]: file.sha256,
        },
      }),
    );
    done++;
    bytesDone = before + file.bytes;
    onProgress({ done, total, bytesDone, bytesTotal });
  }

  // Files of models no longer listed (an update replaced them) are dropped.
  const wanted = new Set([...files.map((f) => fileUrl(f.path)), manifestUrl()]);
  for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  // Stored last: a cached manifest means the whole set is there; the service worker uses it offline.
  await cache.put(manifestUrl(), new Response(text, { headers: { 'Content-Type': 'application/json' } }));
  return statusOf(manifest, cache);
}

/**
 * What is cached, for Settings and for deciding whether to offer the download. Uses the manifest from the
 * network when reachable, else the cached one; with neither, reports nothing cached.
 */
export async function modelCacheStatus(): Promise<ModelCacheStatus> {
  const empty: ModelCacheStatus = {
    supported: 'caches' in globalThis,
    complete: false,
    persisted: await isPersisted(),
    cache: MODEL_CACHE,
    files: 0,
    filesCached: 0,
    bytesTotal: 0,
    bytesCached: 0,
    models: [],
  };
  if (!empty.supported) return empty;
  const cache = await caches.open(MODEL_CACHE);
  let manifest: ModelManifest | undefined;
  try {
    manifest = (await fetchManifest()).manifest;
  } catch {
    const cached = await cache.match(manifestUrl());
    if (cached) manifest = parseManifest(await cached.json());
  }
  return manifest ? statusOf(manifest, cache) : empty;
}

async function statusOf(manifest: ModelManifest, cache: Cache): Promise<ModelCacheStatus> {
  let files = 0;
  let filesCached = 0;
  let bytesTotal = 0;
  let bytesCached = 0;
  const models: ModelCacheStatus['models'] = [];
  for (const m of manifest.models) {
    let cachedAll = true;
    let bytes = 0;
    for (const f of m.files) {
      files++;
      bytes += f.bytes;
      const hit = await cache.match(fileUrl(f.path));
      if (hit && hit.headers.get(SHA256_HEADER) === f.sha256) {
        filesCached++;
        bytesCached += f.bytes;
      } else {
        cachedAll = false;
      }
    }
    bytesTotal += bytes;
    models.push({ name: m.name, version: m.version, bytes, cached: cachedAll });
  }
  return {
    supported: true,
    complete: files > 0 && filesCached === files,
    persisted: await isPersisted(),
    cache: MODEL_CACHE,
    files,
    filesCached,
    bytesTotal,
    bytesCached,
    models,
  };
}

async function isPersisted(): Promise<boolean> {
  return (await globalThis.navigator?.storage?.persisted?.().catch(() => false)) ?? false;
}

/**
 * Asks the browser not to evict the cached models and the collection under storage pressure. Call it from
 * a click (Firefox asks the person; Chromium decides by itself). Resolves with whether it was granted.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  return (await globalThis.navigator?.storage?.persist?.().catch(() => false)) ?? false;
}

/** "7.2 MB" (decimal megabytes, one decimal), as shown in the progress bar and Settings. */
export const formatMB = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
