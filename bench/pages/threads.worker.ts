/**
 * Bench-only worker: how many threads tfjs-backend-wasm really runs in a bundled module worker when asked
 * for `requested` (setThreadsCount before the backend starts, as workers/backend.ts does). One worker per
 * probe: the count is fixed when the backend first starts.
 */
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const api = {
  /**
   * `reportedCores`: what navigator.hardwareConcurrency says in this worker while the backend starts (the real
   * value when absent). tfjs-backend-wasm caps its pool at hardwareConcurrency / 2 (backend.cc: it assumes two
   * hardware threads per core), so on a 2-core machine only a larger reported count lets a pool of 2 start.
   */
  async probe(requested: number, reportedCores?: number) {
    const realCores = navigator.hardwareConcurrency;
    if (reportedCores !== undefined) Object.defineProperty(navigator, 'hardwareConcurrency', { value: reportedCores, configurable: true });
    setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd });
    setThreadsCount(requested);
    await tf.setBackend('wasm');
    await tf.ready();
    // A 1024² matMul, timed after one warm-up: more threads should make it faster on an idle machine.
    const a = tf.randomUniform([1024, 1024]);
    tf.matMul(a, a).dispose();
    const t = performance.now();
    const c = tf.matMul(a, a);
    await c.data();
    const matMulMs = performance.now() - t;
    tf.dispose([a, c]);
    // Emscripten's pthread bookkeeping on the module (present in the threaded build only).
    const pt = (tf.backend() as unknown as { wasm?: { PThread?: { unusedWorkers?: unknown[]; runningWorkers?: unknown[]; pthreads?: Record<string, unknown> } } }).wasm?.PThread;
    return {
      requested,
      pthreadWorkers: pt ? { unused: pt.unusedWorkers?.length ?? 0, running: pt.runningWorkers?.length ?? 0, pthreads: Object.keys(pt.pthreads ?? {}).length } : null,
      threads: getThreadsCount(),
      multithread: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
      hardwareConcurrency: realCores,
      reportedCores: navigator.hardwareConcurrency,
      crossOriginIsolated,
      matMulMs,
    };
  },
};

export type ThreadsProbeApi = typeof api;
expose(api);
