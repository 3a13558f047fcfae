/**
 * The PWA share target (manifest share_target in vite.config.ts): the service worker (src/sw.ts) takes
 * the POSTed photos, keeps them in this cache, and opens the app, which ingests them (share-inbox.ts).
 */
/** Path of the share target, relative to the app's scope. */
export const SHARE_TARGET_PATH = 'share-target';
/** Form field of the shared files (manifest share_target.params.files[0].name). */
export const SHARE_FILES_FIELD = 'photos';
/** Cache Storage cache holding shared photos until the app has taken them. */
export const SHARE_INBOX_CACHE = 'mirror-share-inbox';
/** Where a share lands: the collection, where the shared photos appear as they are analysed. */
export const SHARED_HASH = '#/';
