/**
 * The page's handle on the vision worker: creates it lazily, initialises it with the backend the person
 * chose, and re-creates it when that choice changes. Calls in flight when the worker is replaced are
 * rejected with WorkerReplaced (Comlink would otherwise leave them waiting forever). A worker idle for
 * IDLE_MS is shut down.
 */
import { wrap, type Remote } from 'comlink';
import type { VisionApi } from '../../workers/vision.worker';
import type { Analysis, BackendChoice, BackendInfo, Box, Person, Reembedding } from '../../common/types';
import type { Category } from '../../common/categories';

/** What init may report besides the backend: the model version, once the worker says it. */
type InitResult = BackendInfo & { modelVersion?: string };

export class WorkerReplaced extends Error {
  override name = 'WorkerReplaced';
  constructor() {
    super('the analysis engine was restarted');
  }
}

interface Live {
  worker: Worker;
  api: Remote<VisionApi>;
  ready: Promise<InitResult>;
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
  const current: Live = { worker, api, rejects, ready: Promise.resolve(null as unknown as InitResult) };
  current.ready = track(current, () => api.init(choice) as Promise<InitResult>);
  current.ready.then((info) => heard(info?.modelVersion), () => undefined);
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

/** Model versions the worker reported (init, analyses, re-embeddings), for the re-embedding migration. */
const versionListeners = new Set<(modelVersion: string) => void>();
function heard(modelVersion: string | undefined): void {
  if (typeof modelVersion !== 'string' || modelVersion === '') return;
  for (const listener of versionListeners) listener(modelVersion);
}

/** A small plain grey JPEG: re-embedding it with no garments tells the model version at little cost. */
async function probePhoto(): Promise<Blob> {
  const canvas = new OffscreenCanvas(64, 96);
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 64, 96);
  }
  return canvas.convertToBlob({ type: 'image/jpeg' });
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
  analyze: async (photo: Blob): Promise<Analysis> => {
    const analysis = await call((api) => api.analyzeBlob(photo));
    heard(analysis.modelVersion);
    return analysis;
  },
  /** The people of a photo, largest first, the first with its face keypoints (face blur). */
  people: (photo: Blob): Promise<Person[]> => call((api) => api.peopleBlob(photo)),
  /**
   * New vectors and types for a stored look's garments, keeping their categories and boxes: the same
   * garments in order, the new look vector, and the model version that made them.
   */
  reembed: async (photo: Blob, garments: { category: Category; box: Box }[]): Promise<Reembedding> => {
    const result = await call((api) => api.reembedBlob(photo, garments));
    heard(result.modelVersion);
    return result;
  },
  /**
   * The model version the worker runs now (starts the worker): from init when it reports it, else from
   * re-embedding a tiny photo with no garments.
   */
  async modelVersion(): Promise<string> {
    const current = await ready();
    const fromInit = (await current.ready)?.modelVersion;
    if (typeof fromInit === 'string' && fromInit !== '') return fromInit;
    const probe = await probePhoto();
    // A re-embedding with no garments is the cheapest call that names the version; a full analysis of the
    // same small photo is the fallback should a worker refuse an empty list.
    try {
      return (await vision.reembed(probe, [])).modelVersion;
    } catch (e) {
      if (e instanceof WorkerReplaced) throw e;
      return (await vision.analyze(probe)).modelVersion;
    }
  },
  /** Hears every model version the worker reports; returns the unsubscribe function. */
  onModelVersion(listener: (modelVersion: string) => void): () => void {
    versionListeners.add(listener);
    return () => versionListeners.delete(listener);
  },
  backend: (): Promise<BackendInfo> => call((api) => api.backend()),
  memory: (): Promise<{ numTensors: number; numBytes: number }> => call((api) => api.memory()),
  checkBackends: () => call((api) => api.checkBackends()),
  /** True once a worker has been started (Settings shows tf memory only then, to avoid loading models). */
  started: (): boolean => live !== null,
};
