/**
 * Builds the bench-only page (bench/pages/bench.html) into bench/dist, apart from the app's bundle. The
 * page imports the app's own worker modules (workers/vision.worker.ts, workers/index/*, the outfit scorer),
 * so vite bundles the same code the app ships, with the same worker settings as ../vite.config.ts.
 *
 *   npx vite build   --config bench/vite.config.ts
 *   npx vite preview --config bench/vite.config.ts --port 4392            (cross-origin isolated)
 *   BENCH_ISOLATION=0 npx vite preview --config bench/vite.config.ts ...  (no COOP/COEP: WASM single thread)
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const isolation = process.env.BENCH_ISOLATION === '0' ? {} : {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root,
  // public/ holds the models (public/models/**), served at /models/ as in the app.
  publicDir: 'public',
  worker: {
    format: 'es',
    // As in ../vite.config.ts: tfjs-backend-wasm starts its pthreads from the factory's source text.
    rolldownOptions: { output: { minify: false } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    outDir: 'bench/dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: { input: { bench: fileURLToPath(new URL('pages/bench.html', import.meta.url)) } },
  },
});
