/**
 * The page's handle on the vision worker: creates it lazily, initialises it with the backend the person
 * chose, and re-creates it when that choice changes. Calls in flight when the worker is replaced are
 * rejected with WorkerReplaced (Comlink would otherwise leave them waiting forever). A worker idle for
 * IDLE_MS is shut down.
 */
import { wrap, type Remote } from 'comlink';
import type { VisionApi } from '../../workers/vision.worker';
import type { Analysis, BackendChoice, BackendInfo } from '../../common/types';

export class WorkerReplaced extends Error {
  override name = 'WorkerReplaced';
  constructor() {
    super('the analysis engine was restarted');
  }
}

interface Live {
  worker: Worker;
  api: Remote<VisionApi>;
  ready: Promise<BackendInfo>;
  rejects: Set<(e: unknown) => void>;
}

let live: Live | null = null;
let choice: BackendChoice = 'auto';

/** An idle worker is shut down after this long (ms), freeing the models' memory; the next call restarts it. */
const IDLE_MS = 5 * 60 * 1000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleIdleStop(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (live && live.rejects.size === 0) stop();
  }, IDLE_MS);
}

function start(): Live {
  const worker = new Worker(new URL('../../workers/vision.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<VisionApi>(worker);
  const rejects = new Set<(e: unknown) => void>();
  const current: Live = { worker, api, rejects, ready: Promise.resolve(null as unknown as BackendInfo) };
  current.ready = track(current, () => api.init(choice));
  // A failed init should not stick: the next call tries again with a fresh worker.
  current.ready.catch(() => {
    if (live === current) stop();
  });
  worker.addEventListener('error', (event) => {
    // An ErrorEvent is an uncaught error inside a running worker, which keeps running; a plain Event means
    // the worker script itself could not be loaded, and every call would otherwise wait forever.
    if (event instanceof ErrorEvent) return;
    if (live === current) stop(new Error('the analysis engine could not be loaded'));
  });
  return current;
}

function track<T>(current: Live, call: () => Promise<T>): Promise<T> {
  clearTimeout(idleTimer);
  return new Promise<T>((resolve, reject) => {
    current.rejects.add(reject);
    call()
      .then(resolve, reject)
      .finally(() => {
        current.rejects.delete(reject);
        if (current.rejects.size === 0) scheduleIdleStop();
      });
  });
}

function stop(reason: Error = new WorkerReplaced()): void {
  if (!live) return;
  const { worker, rejects } = live;
  live = null;
  for (const reject of rejects) reject(reason);
  worker.terminate();
}

async function ready(): Promise<Live> {
  live ??= start();
  const current = live;
  await current.ready;
  return current;
}

async function call<T>(fn: (api: Remote<VisionApi>) => Promise<T>): Promise<T> {
  const current = await ready();
  return track(current, () => fn(current.api));
}

export const vision = {
  /** Sets the backend; the worker is replaced and initialised with it. */
  async useBackend(next: BackendChoice): Promise<BackendInfo> {
    choice = next;
    stop();
    return (await ready()).ready;
  },
  choice: (): BackendChoice => choice,
  /** Sets the choice without starting anything (on app start, from the stored setting). */
  preset(next: BackendChoice): void {
    choice = next;
  },
  analyze: (photo: Blob): Promise<Analysis> => call((api) => api.analyzeBlob(photo)),
  backend: (): Promise<BackendInfo> => call((api) => api.backend()),
  memory: (): Promise<{ numTensors: number; numBytes: number }> => call((api) => api.memory()),
  checkBackends: () => call((api) => api.checkBackends()),
  /** True once a worker has been started (Settings shows tf memory only then, to avoid loading models). */
  started: (): boolean => live !== null,
};
