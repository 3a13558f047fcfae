import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, HEADLESS_ARGS } from './scripts/chromium.mjs';

/**
 * End-to-end tests run Debian's Chromium (never a downloaded browser) against the BUILT app served by
 * `vite preview`, so the service worker, precache and offline behaviour are the real ones.
 */
const PORT = Number(process.env.MIRROR_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/support/global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: HEADLESS_ARGS },
    serviceWorkers: 'allow',
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [...HEADLESS_ARGS, '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
