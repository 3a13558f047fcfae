import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). The dev and preview
// servers send these headers; on any other host the service worker adds them (src/sw.ts).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      // Our own service worker (src/sw.ts): Workbox precaching is bundled into it at build time, plus the
      // model-cache route and the isolation headers, which generateSW cannot express.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // A new version waits for the person's "Reload" (src/features/offline/UpdatePrompt.svelte).
      registerType: 'prompt',
      // Registered by src/features/offline/register.ts, not by an injected script.
      injectRegister: false,
      manifest: {
        name: 'Mirror',
        short_name: 'Mirror',
        description: 'Your outfit-of-the-day photos, analysed privately on your device.',
        theme_color: '#1f1b24',
        background_color: '#1f1b24',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        lang: 'en',
        categories: ['lifestyle', 'photo'],
        // Photos shared from other apps (src/features/share): the service worker keeps them for the app.
        share_target: {
          action: 'share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'photos', accept: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/*'] }] },
        },
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The app shell, including the tfjs WASM binaries vite emits as assets. NOT the models: they are
        // cached and verified explicitly by src/features/offline/model-cache.ts.
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,ico}'],
        globIgnores: ['models/**', '**/*.map'],
        // Workbox silently skips files over 2 MiB by default; the worker chunks that bundle tfjs are larger.
        // Anything over this limit makes the build report it (and is not precached).
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      },
      // The icons are already in the precache through globPatterns (listing them twice would duplicate entries).
      includeManifestIcons: false,
      devOptions: { enabled: false },
    }),
  ],
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthread workers from the threaded factory's source text
    // (Function.prototype.toString), so that function must reach the bundle untouched: mangling breaks
    // WASM threads with "e is not defined", and compression hoists "_scriptDir" out of it.
    rolldownOptions: { output: { minify: false } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: true },
});
