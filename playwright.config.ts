import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests run Debian's Chromium (never a downloaded browser) against the BUILT app served by
 * `vite preview`, so the service worker, precache and offline behaviour are the real ones.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const baseArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
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
    launchOptions: { executablePath, args: baseArgs },
    serviceWorkers: 'allow',
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath,
          args: [...baseArgs, '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'],
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
