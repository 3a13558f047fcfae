/**
 * The one place where the tfjs backend is chosen (STYLE 5). 'auto' prefers WebGPU on a hardware adapter,
 * then WASM (SIMD, threads when cross-origin isolated), then CPU; an explicit choice forces that backend
 * or fails with a message. The result carries the reason in words, shown in Settings.
 *
 * Realm-neutral: the caller passes where the .wasm binaries are (vite `?url` imports in the worker, the
 * node_modules dist folder in Node), so this module imports neither vite nor node:fs.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendInfo, BackendName } from '../common/types';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** Where tfjs-backend-wasm finds its binaries: a folder prefix, or a map from file name to URL. */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

export interface BackendOptions {
  wasmPaths: WasmPaths;
}

/** What a WebGPU adapter probe found; `hardware` is false for fallback adapters and SwiftShader. */
export interface AdapterProbe {
  available: boolean;
  hardware: boolean;
  description: string;
}

interface GpuNavigator {
  gpu?: GPU;
  hardwareConcurrency?: number;
}

function gpuNavigator(): GpuNavigator | undefined {
  return (globalThis as { navigator?: GpuNavigator }).navigator;
}

/** Looks for a WebGPU adapter without creating a device. */
export async function probeWebGpu(): Promise<AdapterProbe> {
  const gpu = gpuNavigator()?.gpu;
  if (!gpu) return { available: false, hardware: false, description: 'navigator.gpu is missing' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, hardware: false, description: `requestAdapter failed: ${String(error)}` };
  }
  if (!adapter) return { available: false, hardware: false, description: 'no WebGPU adapter' };
  // adapter.info is the current API; isFallbackAdapter moved onto it (older Chromium had it on the adapter).
  const info = (adapter as { info?: Partial<GPUAdapterInfo> }).info ?? {};
  const legacyFallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const fields = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => !!s);
  const description = fields.join(' ') || 'unknown adapter';
  // SwiftShader is a CPU rasteriser: correct, but about 100x slower than WASM for these models.
  const software = info.isFallbackAdapter === true || legacyFallback || /swiftshader|llvmpipe|software/i.test(description);
  return { available: true, hardware: !software, description };
}

function crossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * How many threads the WASM backend should run on `cores` logical cores. tfjs-backend-wasm's own rule (its
 * backend.cc) is hardwareConcurrency / 2, assuming two hardware threads per core, which leaves a 2- or 3-core
 * machine with one thread; Mirror asks for at least two there (BENCHMARKS.md: "WASM threads").
 */
export function wasmThreads(cores: number): number {
  return Math.max(1, Math.min(Math.floor(cores), Math.max(2, Math.floor(cores / 2))));
}

/**
 * Starts the WASM backend with a pool of `threads`. tfjs reads navigator.hardwareConcurrency once, while its
 * module starts, and caps the pool at half of it; this realm's navigator reports 2 x `threads` during that
 * start and its own value again right after.
 */
async function startWasm(threads: number): Promise<boolean> {
  const nav = gpuNavigator();
  if (!nav || threads <= 1) return tf.setBackend('wasm');
  setThreadsCount(threads);
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  } catch {
    return tf.setBackend('wasm'); // a navigator that cannot be told: tfjs's own half of the cores
  }
  try {
    return await tf.setBackend('wasm');
  } finally {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

let wasmConfigured = false;

async function useWasm(options: BackendOptions, why: string): Promise<BackendInfo | null> {
  let started: boolean;
  if (!wasmConfigured) {
    // Paths and threads must be set before the WASM backend is first initialised; later calls have no effect.
    setWasmPaths(options.wasmPaths as Parameters<typeof setWasmPaths>[0]);
    wasmConfigured = true;
    started = await startWasm(crossOriginIsolated() ? wasmThreads(gpuNavigator()?.hardwareConcurrency ?? 1) : 1);
  } else {
    started = await tf.setBackend('wasm');
  }
  if (!started) return null;
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  const threads = multithread ? getThreadsCount() : 1;
  // Why there is one thread: tfjs has no WASM threads in Node; a page needs cross-origin isolation; a
  // one-core machine gets a pool of one.
  const single = threads > 1 ? ''
    : tf.env().get('IS_NODE') ? ' (tfjs has no WASM threads in Node)'
    : !crossOriginIsolated() ? ' (the page is not cross-origin isolated)'
    : !multithread ? ' (this browser has no WASM threads)' : '';
  return { name: 'wasm', reason: `${why}WASM${simd ? ' with SIMD' : ' without SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${single}`, simd, threads };
}

async function useCpu(why: string): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('The CPU backend could not be started');
  await tf.ready();
  return { name: 'cpu', reason: `${why}CPU (plain JavaScript, slowest)` };
}

async function useWebGpu(probe: AdapterProbe, why: string): Promise<BackendInfo | null> {
  if (!(await tf.setBackend('webgpu'))) return null;
  await tf.ready();
  return { name: 'webgpu', reason: `${why}WebGPU on ${probe.description}`, adapter: probe.description };
}

/**
 * Switches to `name` without the 'auto' logic (for the backend consistency check), configuring WASM on
 * first use; false when that backend cannot start here.
 */
export async function switchBackend(name: BackendName, options: BackendOptions): Promise<boolean> {
  if (name === 'wasm') return (await useWasm(options, '')) !== null;
  const ok = await tf.setBackend(name);
  if (ok) await tf.ready();
  return ok;
}

/**
 * Sets the tfjs backend for this realm and says why. Throws for an unknown choice (naming the allowed
 * ones) and when a forced backend cannot start.
 */
export async function chooseBackend(choice: BackendChoice | string, options: BackendOptions): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new Error(`Unknown backend "${choice}": use one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const forced = choice as BackendName | 'auto';
  if (forced === 'webgpu') {
    const probe = await probeWebGpu();
    if (!probe.available) throw new Error(`WebGPU was chosen but is not available (${probe.description})`);
    const info = await useWebGpu(probe, probe.hardware ? 'Chosen in Settings: ' : 'Chosen in Settings (software adapter, slow): ');
    if (!info) throw new Error('WebGPU was chosen but the backend could not start');
    return info;
  }
  if (forced === 'wasm') {
    const info = await useWasm(options, 'Chosen in Settings: ');
    if (!info) throw new Error('WASM was chosen but the backend could not start');
    return info;
  }
  if (forced === 'cpu') return useCpu('Chosen in Settings: ');

  const probe = await probeWebGpu();
  if (probe.available && probe.hardware) {
    const info = await useWebGpu(probe, 'Automatic: hardware GPU found, ');
    if (info) return info;
  }
  const noGpu = probe.available ? `only a software WebGPU adapter (${probe.description})` : probe.description;
  const wasm = await useWasm(options, `Automatic: ${noGpu}, so `);
  if (wasm) return wasm;
  return useCpu(`Automatic: no hardware WebGPU (${noGpu}) and WASM failed to start, so `);
}
