import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MODEL_CACHE, SHA256_HEADER } from './constants';
import { ensureModelsCached, ModelIntegrityError, modelCacheStatus, sha256Hex, type ModelCacheProgress } from './model-cache';

/** A Map-backed stand-in for Cache Storage (Node has none): keyed by absolute URL. */
class MemoryCache {
  entries = new Map<string, Response>();
  async match(req: string | Request): Promise<Response | undefined> {
    return this.entries.get(typeof req === 'string' ? req : req.url)?.clone();
  }
  async put(req: string | Request, res: Response): Promise<void> {
    this.entries.set(typeof req === 'string' ? req : req.url, res);
  }
  async delete(req: string | Request): Promise<boolean> {
    return this.entries.delete(typeof req === 'string' ? req : req.url);
  }
  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((u) => new Request(u));
  }
}

const ORIGIN = 'http://mirror.test';
const bytes = (n: number, seed: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

let files: Record<string, Uint8Array<ArrayBuffer>>;
let served: Record<string, Uint8Array<ArrayBuffer>>;
let fetched: string[];
let cache: MemoryCache;

async function manifest() {
  const list = await Promise.all(
    Object.entries(files).map(async ([path, b]) => ({ path, bytes: b.byteLength, sha256: await sha256Hex(b) })),
  );
  return {
    models: [
      {
        name: 'a',
        use: 'test',
        version: '1',
        source: 'test',
        license: 'MIT',
        files: list,
      },
    ],
  };
}

beforeEach(() => {
  files = { 'a/model.json': bytes(1000, 1), 'a/weights.bin': bytes(300_000, 2) };
  served = { ...files };
  fetched = [];
  cache = new MemoryCache();
  vi.stubGlobal('location', { href: `${ORIGIN}/` });
  vi.stubGlobal('caches', { open: async (name: string) => (name === MODEL_CACHE ? cache : new MemoryCache()) });
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    init?.signal?.throwIfAborted();
    const path = new URL(url).pathname.replace(/^\/models\//, '');
    fetched.push(path);
    if (path === 'manifest.json') return new Response(JSON.stringify(await manifest()));
    const body = served[path];
    if (!body) return new Response('not found', { status: 404 });
    // Streamed in 64 KiB chunks, so progress arrives within a file.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < body.byteLength; i += 65536) c.enqueue(body.slice(i, i + 65536));
        c.close();
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'application/octet-stream' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('ensureModelsCached', () => {
  it('downloads, verifies and stores every file, reporting byte progress up to the total', async () => {
    const seen: ModelCacheProgress[] = [];
    const status = await ensureModelsCached((p) => seen.push(p));
    const total = 301_000;
    expect(status).toMatchObject({ complete: true, files: 2, filesCached: 2, bytesTotal: total, bytesCached: total });
    expect(seen[0]).toEqual({ done: 0, total: 2, bytesDone: 0, bytesTotal: total });
    expect(seen.at(-1)).toEqual({ done: 2, total: 2, bytesDone: total, bytesTotal: total });
    // Several updates inside the large file, never going backwards.
    expect(seen.filter((p) => p.file === 'a/weights.bin').length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytesDone).toBeGreaterThanOrEqual(seen[i - 1].bytesDone);
    const stored = await cache.match(`${ORIGIN}/models/a/weights.bin`);
    expect(stored?.headers.get(SHA256_HEADER)).toBe(await sha256Hex(files['a/weights.bin']));
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(files['a/weights.bin']);
    expect(await cache.match(`${ORIGIN}/models/manifest.json`)).toBeDefined();
  });

  it('does not download verified files again, but replaces one whose sha256 changed', async () => {
    await ensureModelsCached(() => undefined);
    fetched = [];
    await ensureModelsCached(() => undefined);
    expect(fetched).toEqual(['manifest.json']);

    files['a/model.json'] = bytes(1200, 9);
    served = { ...files };
    fetched = [];
    const status = await ensureModelsCached(() => undefined);
    expect(fetched).toEqual(['manifest.json', 'a/model.json']);
    expect(status.complete).toBe(true);
  });

  it('refuses a file whose bytes or sha256 do not match, and stores nothing for it', async () => {
    served['a/weights.bin'] = bytes(300_000, 3); // same length, other content
    await expect(ensureModelsCached(() => undefined)).rejects.toBeInstanceOf(ModelIntegrityError);
    expect(await cache.match(`${ORIGIN}/models/a/weights.bin`)).toBeUndefined();
    expect(await cache.match(`${ORIGIN}/models/manifest.json`)).toBeUndefined();

    served['a/weights.bin'] = bytes(10, 2); // short
    await expect(ensureModelsCached(() => undefined)).rejects.toThrow(/10 bytes instead of 300000/);
    const status = await modelCacheStatus();
    expect(status).toMatchObject({ complete: false, files: 2, filesCached: 1 });
  });

  it('stops when aborted, keeping the files finished so far', async () => {
    const controller = new AbortController();
    const run = ensureModelsCached((p) => {
      if (p.done === 1) controller.abort();
    }, controller.signal);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await cache.match(`${ORIGIN}/models/a/model.json`)).toBeDefined();
    expect(await cache.match(`${ORIGIN}/models/a/weights.bin`)).toBeUndefined();
  });

  it('drops cached files that the manifest no longer lists', async () => {
    await ensureModelsCached(() => undefined);
    delete files['a/weights.bin'];
    await ensureModelsCached(() => undefined);
    expect(await cache.match(`${ORIGIN}/models/a/weights.bin`)).toBeUndefined();
  });
});

describe('modelCacheStatus', () => {
  it('uses the cached manifest when offline', async () => {
    await ensureModelsCached(() => undefined);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await modelCacheStatus()).toMatchObject({ supported: true, complete: true, files: 2 });
    cache.entries.clear();
    expect(await modelCacheStatus()).toMatchObject({ complete: false, files: 0 });
  });
});
