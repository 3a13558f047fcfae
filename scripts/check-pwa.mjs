#!/usr/bin/env node
// Manual check of the installable, offline PWA against a BUILT app (run `npx vite build` first):
//   node scripts/check-pwa.mjs [distDir]
// Serves dist/ twice: with `vite preview` (which sends COOP/COEP) and with a bare static server (no
// isolation headers, like a plain static host), then with Debian's Chromium checks that the service worker
// activates, the models are cached with progress, the app reloads offline, and the page is cross-origin
// isolated, also on the bare host once the service worker serves it. Not a test suite: tests/e2e/ has those.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, HEADLESS_ARGS } from './chromium.mjs';

const dist = resolve(process.argv[2] ?? 'dist');
const PREVIEW_PORT = Number(process.env.PREVIEW_PORT ?? 4173);
const BARE_PORT = Number(process.env.BARE_PORT ?? 4174);
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.webmanifest': 'application/manifest+json', '.bin': 'application/octet-stream' };
/** A static host with no isolation headers at all. */
function bareServer() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(BARE_PORT, '127.0.0.1', () => ok(server)));
}

async function startPreview() {
  const child = spawn('node_modules/.bin/vite', ['preview', '--port', String(PREVIEW_PORT), '--strictPort', '--outDir', dist], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error('vite preview did not start')), 30_000);
    child.stdout.on('data', (d) => String(d).includes(String(PREVIEW_PORT)) && (clearTimeout(t), ok()));
    child.on('exit', (code) => fail(new Error(`vite preview exited with ${code}`)));
  });
  return child;
}

async function run(browser, origin, label, { expectIsolatedFirst }) {
  console.log(`\n== ${label}: ${origin}`);
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await context.newPage();
  const foreign = [];
  context.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  const progress = [];
  await page.exposeFunction('__progress', (t) => progress.push(t));
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const p = document.querySelector('#model-download-label');
      if (p) window.__progress(p.textContent);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });

  await page.goto(origin + '/');
  const first = await page.evaluate(() => self.crossOriginIsolated);
  check(first === expectIsolatedFirst, `first load crossOriginIsolated is ${first} (server headers ${expectIsolatedFirst ? 'on' : 'off'})`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 20_000 });
  check(true, 'service worker active and controlling the page (clients.claim)');
  await page.getByText(/Models ready for offline use/).first().waitFor({ state: 'attached', timeout: 120_000 });
  const distinct = [...new Set(progress)];
  check(distinct.length >= 3, `progress shown ${distinct.length} times, e.g. "${distinct[Math.floor(distinct.length / 2)]}" … "${distinct.at(-1)}"`);
  const cached = await page.evaluate(async () => {
    const manifest = await (await fetch('/models/manifest.json')).json();
    // The models the app downloads (model-cache.ts): entries marked app: false (training-only) are never fetched.
    const files = manifest.models.filter((m) => m.app !== false).flatMap((m) => m.files);
    const cache = await caches.open('mirror-models-v1');
    const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return { files: files.length, keys: keys.length, missing: files.filter((f) => !keys.includes('/models/' + f.path)).map((f) => f.path) };
  });
  check(cached.missing.length === 0, `all ${cached.files} model files in mirror-models-v1 (${cached.keys} entries incl. manifest)`);
  const precache = await page.evaluate(async () => {
    const names = await caches.keys();
    const pre = names.find((n) => n.includes('precache'));
    const keys = pre ? (await (await caches.open(pre)).keys()).map((r) => new URL(r.url).pathname) : [];
    return { names, keys };
  });
  check(precache.keys.some((k) => k.endsWith('.wasm')), `precache holds the app shell incl. wasm (${precache.keys.length} entries); caches: ${precache.names.join(', ')}`);
  check(!precache.keys.some((k) => k.startsWith('/models/')), 'precache holds no model files');

  // Second load: served by the service worker, isolated even where the server sends no headers.
  await page.reload();
  check(await page.evaluate(() => self.crossOriginIsolated), 'reload (online, via service worker) is crossOriginIsolated');

  await context.setOffline(true);
  const nav = await page.reload();
  check(nav?.fromServiceWorker() === true, 'offline reload served by the service worker');
  await page.locator('#app > *').first().waitFor({ state: 'attached' });
  check(await page.evaluate(() => self.crossOriginIsolated), 'offline reload is crossOriginIsolated');
  const model = await page.evaluate(async () => {
    const r = await fetch('/models/movenet-lightning/model.json');
    return { ok: r.ok, coep: r.headers.get('cross-origin-embedder-policy'), bytes: (await r.arrayBuffer()).byteLength };
  });
  check(model.ok && model.bytes > 0, `offline model fetch ok (${model.bytes} bytes, COEP ${model.coep})`);
  const shell = await page.evaluate(async () => {
    const js = [...document.scripts].map((s) => s.src).find(Boolean);
    const r = js ? await fetch(js) : null;
    return { url: js, coep: r?.headers.get('cross-origin-embedder-policy') };
  });
  check(shell.coep === 'require-corp', `offline precached script ${shell.url} served with COEP ${shell.coep}`);
  // Start one of the app's own worker scripts (served by the service worker) if none is running yet.
  if (page.workers().length === 0) {
    const started = page.waitForEvent('worker', { timeout: 10_000 }).catch(() => null);
    await page.evaluate(async () => {
      const pre = (await caches.keys()).find((n) => n.includes('precache'));
      const keys = pre ? (await (await caches.open(pre)).keys()).map((r) => r.url) : [];
      const url = keys.find((u) => /\.worker-[\w-]+\.js/.test(u));
      if (url) new Worker(url.split('?')[0], { type: 'module' });
    });
    await started;
  }
  for (const worker of page.workers()) {
    const isolated = await worker.evaluate(() => self.crossOriginIsolated).catch(() => 'gone');
    check(isolated === true, `worker ${worker.url()} crossOriginIsolated: ${isolated}`);
  }
  await page.getByText(/Models ready for offline use/).first().waitFor({ state: 'attached', timeout: 20_000 });
  check(true, 'offline: model download component reports models ready');
  const deep = await page.goto(origin + '/some/deep/link').catch((e) => e);
  check(!(deep instanceof Error) && deep.status() === 200, 'offline deep-link navigation falls back to index.html');
  await context.setOffline(false);
  check(foreign.length === 0, `no request to another origin${foreign.length ? ': ' + foreign.join(', ') : ''}`);
  await context.close();
}

const preview = await startPreview();
const bare = await bareServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: HEADLESS_ARGS });
try {
  await run(browser, `http://localhost:${PREVIEW_PORT}`, 'vite preview (COOP/COEP from the server)', { expectIsolatedFirst: true });
  await run(browser, `http://localhost:${BARE_PORT}`, 'bare static host (no isolation headers)', { expectIsolatedFirst: false });
} catch (e) {
  failures.push(String(e));
  console.error(e);
} finally {
  await browser.close();
  bare.close();
  preview.kill();
}
console.log(failures.length ? `\n${failures.length} check(s) failed` : '\nall checks passed');
process.exit(failures.length ? 1 : 0);
