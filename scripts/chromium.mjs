/**
 * Debian's Chromium and the headless flags every Mirror tool runs it with (the e2e tests' config, the benchmark, the PWA
 * check, the walk): never a downloaded browser. CHROMIUM_PATH overrides the path.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const HEADLESS_ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
