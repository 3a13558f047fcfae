/**
 * Where a pack's bytes come from: a URL the person typed (the ONLY requests Mirror makes to another
 * origin, each written to the network ledger) or files the person picked. Both give verifyPack a reader
 * that never reads more than the manifest declares.
 */
import { unzipSync } from 'fflate';
import type { NetworkRecord } from '../../../common/db-schema';
import { MANIFEST_FILE, PACK_LIMITS, PackError, checkHttpUrl, isSafePath, type PackReader } from '../../../common/pack-format';

/** A request to another origin, as the network ledger stores it (its id is the store's). */
export type RequestLog = Omit<NetworkRecord, 'id'>;

/** Longest a single pack request may take (ms). */
const REQUEST_TIMEOUT_MS = 60_000;

/** The pack.json URL for what the person typed: a pack.json URL, or the folder that holds it. */
export function manifestUrl(typed: string): string {
  const href = checkHttpUrl(typed.trim(), 'the pack address', '');
  const url = new URL(href);
  if (url.pathname.endsWith('/')) url.pathname += MANIFEST_FILE;
  return url.href;
}

/** Reads a response body, refusing (and cancelling) it as soon as it passes maxBytes. */
async function readLimited(response: Response, maxBytes: number, file: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new PackError(file, '', `is ${declared} bytes; at most ${maxBytes} were expected`);
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PackError(file, '', `is larger than the ${maxBytes} bytes expected`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Fetches one file of a pack: CORS, no credentials, no referrer, no HTTP cache. 404 means missing
 * (undefined); any other failure is a PackError. Every attempt is reported to `log`, bytes included.
 */
async function fetchFile(url: string, file: string, maxBytes: number, purpose: string, log: (r: RequestLog) => Promise<void>): Promise<Uint8Array | undefined> {
  const at = Date.now();
  let response: Response;
  try {
    response = await fetch(url, {
      mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store', redirect: 'follow',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    await log({ url, at, bytes: 0, status: 0, purpose, error: e instanceof Error ? e.message : String(e) });
    throw new PackError(file, '', `could not be downloaded from ${url} (network error or the server does not allow CORS)`);
  }
  if (!response.ok) {
    await log({ url, at, bytes: 0, status: response.status, purpose });
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    throw new PackError(file, '', `could not be downloaded from ${url} (HTTP ${response.status})`);
  }
  try {
    const bytes = await readLimited(response, maxBytes, file);
    await log({ url, at, bytes: bytes.length, status: response.status, purpose });
    return bytes;
  } catch (e) {
    await log({ url, at, bytes: 0, status: response.status, purpose, error: e instanceof Error ? e.message : String(e) });
    throw e;
  }
}

/** The manifest's bytes and a reader for the rest of a pack at a URL. */
export async function urlSource(typed: string, log: (r: RequestLog) => Promise<void>): Promise<{ url: string; manifest: Uint8Array; read: PackReader }> {
  const url = manifestUrl(typed);
  const purpose = `pack ${url}`;
  const manifest = await fetchFile(url, MANIFEST_FILE, PACK_LIMITS.manifestBytes, purpose, log);
  if (!manifest) throw new PackError(MANIFEST_FILE, '', `was not found at ${url} (HTTP 404)`);
  const base = new URL('.', url);
  return {
    url,
    manifest,
    // Paths were checked by parseManifest (no "..", no leading "/"), so each URL stays under base.
    read: (path, declared) => fetchFile(new URL(path, base).href, path, declared, purpose, log),
  };
}

/** What a picked file is called inside the pack: its path under the picked folder, or its bare name. */
function packPath(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  // A folder pick gives "<folder>/images/a.jpg": drop the folder the person picked.
  return rel ? rel.split('/').slice(1).join('/') : file.name;
}

/**
 * The manifest and a reader over files the person picked: a whole folder (webkitdirectory), or several
 * files, in which case images are matched by their file name.
 */
export async function filesSource(files: readonly File[]): Promise<{ manifest: Uint8Array; read: PackReader }> {
  if (files.length === 1 && /\.zip$/i.test(files[0].name)) return zipSource(files[0]);
  const byPath = new Map<string, File>();
  const byName = new Map<string, File>();
  for (const f of files) {
    byPath.set(packPath(f), f);
    byName.set(f.name, f);
  }
  const manifestFile = byPath.get(MANIFEST_FILE) ?? byName.get(MANIFEST_FILE);
  if (!manifestFile) throw new PackError(MANIFEST_FILE, '', 'is not among the chosen files (choose the pack folder, or pack.json with its files)');
  const readFile = async (f: File, file: string, max: number) => {
    if (f.size > max) throw new PackError(file, '', `is ${f.size} bytes; at most ${max} were expected`);
    return new Uint8Array(await f.arrayBuffer());
  };
  return {
    manifest: await readFile(manifestFile, MANIFEST_FILE, PACK_LIMITS.manifestBytes),
    read: async (path, declared) => {
      const f = byPath.get(path) ?? byName.get(path.split('/').pop()!);
      return f ? readFile(f, path, declared) : undefined;
    },
  };
}

/**
 * A pack as one .zip (what Mirror's lookbook export writes): pack.json at the top or inside one folder.
 * Entries are unpacked only if their path is safe and their declared size is within the pack limits;
 * verifyPack then checks every file's real size and hash as for any other source.
 */
async function zipSource(zip: File): Promise<{ manifest: Uint8Array; read: PackReader }> {
  const name = zip.name;
  if (zip.size > PACK_LIMITS.totalBytes) throw new PackError(name, '', `is ${zip.size} bytes; at most ${PACK_LIMITS.totalBytes} are allowed`);
  let total = 0;
  let count = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await zip.arrayBuffer()), {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        count += 1;
        total += f.originalSize;
        if (count > PACK_LIMITS.files + 1) throw new PackError(name, '', `holds more than ${PACK_LIMITS.files + 1} files`);
        if (total > PACK_LIMITS.totalBytes) throw new PackError(name, '', `unpacks to more than ${PACK_LIMITS.totalBytes} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof PackError) throw e;
    throw new PackError(name, '', `is not a readable .zip file (${e instanceof Error ? e.message : String(e)})`);
  }
  const paths = Object.keys(entries);
  const manifestPath = paths.find((p) => p === MANIFEST_FILE) ?? paths.find((p) => p.split('/').length === 2 && p.endsWith(`/${MANIFEST_FILE}`));
  if (!manifestPath) throw new PackError(name, '', `has no ${MANIFEST_FILE}`);
  const prefix = manifestPath.slice(0, -MANIFEST_FILE.length);
  return {
    manifest: entries[manifestPath],
    read: async (path, declared) => {
      if (!isSafePath(path)) return undefined;
      const data = entries[prefix + path];
      if (data && data.length > declared) throw new PackError(path, '', `has ${data.length} bytes; ${MANIFEST_FILE} says ${declared}`);
      return data;
    },
  };
}
