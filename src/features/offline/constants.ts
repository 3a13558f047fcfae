/**
 * Names shared by the page (model-cache.ts) and the service worker (src/sw.ts). Plain constants: the
 * service worker bundles this file, so it must not import anything from the page.
 */

/** Cache Storage cache holding the model files; bump the version to drop every cached model at once. */
export const MODEL_CACHE = 'mirror-models-v1';
/** Every model cache ever used starts with this; older ones are deleted. */
export const MODEL_CACHE_PREFIX = 'mirror-models-';
/** Model files live under this path, relative to the app's base URL (public/models/ in the repo). */
export const MODELS_PATH = 'models/';
/** The list of model files with bytes and sha256, written by scripts/provision-models.mjs. */
export const MODEL_MANIFEST_PATH = 'models/manifest.json';
/** Header stored with each cached model file: the sha256 (hex) it was verified against. */
export const SHA256_HEADER = 'X-Mirror-SHA256';
/** Message the page posts to a waiting service worker to make it take over (workbox-window's convention). */
export const SKIP_WAITING = 'SKIP_WAITING';
