/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * Registers Mirror's service worker (src/sw.ts) and tracks its update state. vite-plugin-pwa is set to
 * registerType 'prompt' with injectRegister false: nothing registers it but registerServiceWorker(), and a
 * new version waits until the person chooses to reload (UpdatePrompt.svelte).
 *
 * The returned handle is a Svelte store (subscribe), so a component can read `$sw.needRefresh`.
 * In `vite dev` the service worker is disabled and the handle simply never reports anything.
 */
import { registerSW } from 'virtual:pwa-register';

export interface ServiceWorkerState {
  /** The service worker is active and the app shell is cached: the app starts without a network. */
  offlineReady: boolean;
  /** A new version is installed and waiting; update() activates it and reloads the page. */
  needRefresh: boolean;
  /** Registration failed (shown in Settings); the app still works online. */
  error?: string;
}

export interface ServiceWorkerHandle {
  /** Svelte store contract: called at once with the current state, then on every change. */
  subscribe(run: (state: ServiceWorkerState) => void): () => void;
  /** Activates the waiting version and reloads the page. */
  update(): Promise<void>;
  /** Hides the update offer for this page load; the new version starts when every Mirror tab is closed. */
  dismiss(): void;
}

/** How often an open app asks the server for a new service worker (ms). Same origin only. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

let handle: ServiceWorkerHandle | null = null;

/** Registers the service worker once per page; later calls return the same handle. */
export function registerServiceWorker(): ServiceWorkerHandle {
  if (handle) return handle;
  let state: ServiceWorkerState = { offlineReady: false, needRefresh: false };
  const listeners = new Set<(s: ServiceWorkerState) => void>();
  const set = (patch: Partial<ServiceWorkerState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };

  const updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => set({ needRefresh: true }),
    onOfflineReady: () => set({ offlineReady: true }),
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      if (registration.active) set({ offlineReady: true });
      setInterval(() => {
        if (navigator.onLine && registration.installing === null) void registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    onRegisterError: (error: unknown) => set({ error: error instanceof Error ? error.message : String(error) }),
  });

  handle = {
    subscribe(run) {
      listeners.add(run);
      run(state);
      return () => listeners.delete(run);
    },
    update: () => updateSW(true),
    dismiss: () => set({ needRefresh: false }),
  };
  return handle;
}
