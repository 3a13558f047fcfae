/// <reference lib="webworker" />
/**
 * Mirror's service worker (built by vite-plugin-pwa, strategy injectManifest; Workbox is bundled in, so it
 * never loads code from another origin).
 *
 *  - App shell: every built js/css/html/wasm/icon file is precached (self.__WB_MANIFEST) and served
 *    cache-first; navigations fall back to the precached index.html, so the app starts offline.
 *  - Models: /models/** is served cache-first from the MODEL_CACHE cache, which the page fills and
 *    verifies itself (src/features/offline/model-cache.ts), falling back to the network. The model
 *    manifest is network-first, so the page sees new models when online.
 *  - Cross-origin isolation: every same-origin response it serves gets COOP/COEP (and CORP), so that a
 *    plain static host without those headers still gets SharedArrayBuffer (WASM threads) from the
 *    second load on.
 *  - Updates: a new version waits until the page posts SKIP_WAITING (the "Reload" of UpdatePrompt).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, addPlugins } from 'workbox-precaching';
import { NavigationRoute, registerRoute, setDefaultHandler } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, WorkboxPlugin } from 'workbox-core';
import { MODEL_CACHE, MODEL_CACHE_PREFIX, MODEL_MANIFEST_PATH, MODELS_PATH, SKIP_WAITING } from './features/offline/constants';
import { SHARE_FILES_FIELD, SHARE_INBOX_CACHE, SHARE_TARGET_PATH, SHARED_HASH } from './features/share/constants';

declare let self: ServiceWorkerGlobalScope;

const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The same response with the isolation headers set. Opaque and error responses are left alone. */
function withIsolation(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolationPlugin: WorkboxPlugin = {
  cachedResponseWillBeUsed: async ({ cachedResponse }) => (cachedResponse ? withIsolation(cachedResponse) : cachedResponse),
  fetchDidSucceed: async ({ response }) => withIsolation(response),
};

addPlugins([isolationPlugin]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Offline (and always): any navigation inside the app gets the precached shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

const scope = new URL(self.registration.scope);
const modelsUrl = new URL(MODELS_PATH, scope);
const manifestUrl = new URL(MODEL_MANIFEST_PATH, scope).href;
const isModel = (url: URL) => url.origin === scope.origin && url.pathname.startsWith(modelsUrl.pathname);

async function fromModelCache(request: Request): Promise<Response | undefined> {
  const cache = await caches.open(MODEL_CACHE);
  return cache.match(request, { ignoreSearch: true, ignoreVary: true });
}

registerRoute(
  ({ url, request }) => request.method === 'GET' && isModel(url),
  async ({ request, url }: RouteHandlerCallbackOptions) => {
    if (url.href.split('?')[0] === manifestUrl) {
      // Network first: a new build may list new models; offline, the copy stored with the models.
      try {
        return withIsolation(await fetch(request));
      } catch (error) {
        const cached = await fromModelCache(request);
        if (cached) return withIsolation(cached);
        throw error;
      }
    }
    const cached = await fromModelCache(request);
    return withIsolation(cached ?? (await fetch(request)));
  },
);

// The share target: photos shared from another app wait in the inbox cache until the app takes them
// (src/features/share/share-inbox.ts); the 303 opens the app. Nothing is sent anywhere.
const shareTargetUrl = new URL(SHARE_TARGET_PATH, scope).href;
registerRoute(
  ({ url, request }) => request.method === 'POST' && url.href.split('?')[0] === shareTargetUrl,
  async ({ request }: RouteHandlerCallbackOptions) => {
    const form = await request.formData();
    const files = form.getAll(SHARE_FILES_FIELD).filter((f): f is File => f instanceof File);
    const inbox = await caches.open(SHARE_INBOX_CACHE);
    const stamp = Date.now();
    await Promise.all(
      files.map((f, i) =>
        inbox.put(
          new Request(new URL(`${SHARE_TARGET_PATH}/inbox/${stamp}-${i}`, scope).href),
          new Response(f, { headers: { 'Content-Type': f.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(f.name) } }),
        ),
      ),
    );
    return Response.redirect(new URL(SHARED_HASH, scope).href, 303);
  },
  'POST',
);

// Everything else of this origin (not precached, not a model): the network, with isolation headers.
setDefaultHandler(async ({ request, url }) => {
  const response = await fetch(request);
  return url.origin === scope.origin ? withIsolation(response) : response;
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === SKIP_WAITING) void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Model caches of earlier versions of MODEL_CACHE.
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(MODEL_CACHE_PREFIX) && n !== MODEL_CACHE).map((n) => caches.delete(n)));
      // Control the page of the first visit at once, so its model downloads and the next reload go through here.
      await self.clients.claim();
    })(),
  );
});
