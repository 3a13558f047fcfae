import { defineConfig } from 'vitest/config';

// Unit specs live beside the code as *.spec.ts (Node, WASM backend for the model specs);
// Playwright's browser tests in tests/e2e are run by `npm run test:e2e`, not here.
export default defineConfig({
  test: {
    include: ['**/*.spec.ts'],
    exclude: ['tests/e2e/**', '**/node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
