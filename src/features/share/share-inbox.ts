/** Photos shared to Mirror from another app (the PWA share target), waiting in SHARE_INBOX_CACHE. */
import { SHARE_INBOX_CACHE } from './constants';

/** Takes every waiting shared photo out of the inbox (they are removed as they are read). */
export async function takeSharedPhotos(): Promise<File[]> {
  if (!('caches' in globalThis) || !(await caches.has(SHARE_INBOX_CACHE))) return [];
  const cache = await caches.open(SHARE_INBOX_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    await cache.delete(request);
    if (!response) continue;
    const blob = await response.blob();
    const name = decodeURIComponent(response.headers.get('X-File-Name') ?? 'shared-photo');
    files.push(new File([blob], name, { type: blob.type }));
  }
  return files;
}
