/**
 * The vision worker: loads the models and analyses outfit photos off the UI thread. Composition only; the
 * work is in workers/pipeline (shared with the CLI) and workers/models.
 *
 * Page side (src/services/vision.ts): wrap<VisionApi>(new Worker(new URL('.../vision.worker.ts', import.meta.url), { type: 'module' })).
 * Only plain data crosses postMessage (Float32Arrays by structured clone), never tensors.
 */
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs';
// The WASM binaries are bundled and served from our own origin (never a CDN).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { Category } from '../common/categories';
import type { Analysis, BackendChoice, BackendInfo, BackendName, Box, Person, Progress, Reembedding, RgbaImage } from '../common/types';
import { MAX_PIXELS, STORED_LONG_SIDE } from '../common/constants';
import { chooseBackend, probeWebGpu, switchBackend, type BackendOptions } from './backend';
import { httpModels, MODEL_NAMES } from './models/io';
import { rgbTensor } from './models/tensor';
import { createAnalyzer, loadModels, MODEL_VERSION, type Analyzer, type Models } from './pipeline';

const BACKEND_OPTIONS: BackendOptions = {
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
};

/** Largest difference allowed between backends in garment-net's outputs (probabilities, unit vector) on the same crop. */
export const BACKEND_TOLERANCE = 1e-3;

let models: Models | null = null;
let analyzer: Analyzer | null = null;
let info: BackendInfo | null = null;

function ready(): Analyzer {
  if (!analyzer) throw new Error('The vision worker is not initialised: call init() first');
  return analyzer;
}

/** A person-like synthetic image (gradient background, a darker upright figure), deterministic. */
function syntheticImage(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const body = Math.abs(x - width / 2) < width * (y < height * 0.25 ? 0.08 : 0.18) && y > height * 0.1;
      data[i] = body ? 60 : 150 + (x * 80) / width;
      data[i + 1] = body ? 50 : 170 + (y * 60) / height;
      data[i + 2] = body ? 90 : 200;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Decodes a photo, downscaled so its long side is <= STORED_LONG_SIDE; returns it and the scale used. */
async function decode(blob: Blob): Promise<{ image: RgbaImage; scale: number; width: number; height: number }> {
  const bitmap = await createImageBitmap(blob);
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw new Error(`The photo is too large (${width}x${height} pixels)`);
    const scale = Math.min(1, STORED_LONG_SIDE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, w, h);
    const pixels = ctx.getImageData(0, 0, w, h);
    return { image: { width: w, height: h, data: pixels.data }, scale: w / width, width, height };
  } finally {
    bitmap.close();
  }
}

/** Maps an analysis of the downscaled image back to the pixels of the original photo. */
function rescale(a: Analysis, scale: number, width: number, height: number): Analysis {
  if (scale === 1) return a;
  const box = (b: Box): Box => b.map((v) => Math.round((v / scale) * 10) / 10) as Box;
  return {
    ...a,
    width,
    height,
    people: a.people.map((p) => ({ ...p, box: box(p.box), keypoints: p.keypoints.map(([x, y, s]) => [x / scale, y / scale, s] as [number, number, number]) })),
    garments: a.garments.map((g) => ({ ...g, box: box(g.box) })),
  };
}

export const api = {
  /**
   * Chooses the backend, loads the models from this app's /models/ and warms them up. `onProgress`
   * (pass it through Comlink's proxy()) hears of each model loaded and of the warm-up.
   */
  async init(choice: BackendChoice, onProgress?: (progress: Progress) => void): Promise<BackendInfo & { modelVersion: string }> {
    info = await chooseBackend(choice, BACKEND_OPTIONS);
    models?.dispose();
    const total = MODEL_NAMES.length + 1;
    let done = 0;
    models = await loadModels(httpModels(`${import.meta.env.BASE_URL}models/`), (name) => onProgress?.({ done: ++done, total, label: `loaded ${name}` }));
    analyzer = createAnalyzer(models);
    // Warm-up: the first run compiles kernels (WebGPU shaders, WASM allocations); do it now, not on a photo.
    await analyzer.analyze(syntheticImage(320, 480));
    onProgress?.({ done: total, total, label: 'warmed up' });
    return { ...info, modelVersion: MODEL_VERSION };
  },

  /** Analyses an encoded photo; boxes and keypoints are in the pixels of that photo. */
  async analyzeBlob(blob: Blob): Promise<Analysis> {
    const run = ready();
    const { image, scale, width, height } = await decode(blob);
    return rescale(await run.analyze(image), scale, width, height);
  },

  analyze: (image: RgbaImage): Promise<Analysis> => ready().analyze(image),

  /** The people of an encoded photo, largest first, the first with its face and body keypoints (face blur). */
  async peopleBlob(blob: Blob): Promise<Person[]> {
    const run = ready();
    const { image, scale } = await decode(blob);
    return (await run.people(image)).map((p) => ({
      ...p,
      box: p.box.map((v) => Math.round((v / scale) * 10) / 10) as Box,
      keypoints: p.keypoints.map(([x, y, s]) => [x / scale, y / scale, s] as [number, number, number]),
    }));
  },

  /**
   * New fine types and vectors for garments already stored (their boxes, in the photo's pixels, and
   * categories kept), and the look vector: what a model update needs without redoing the person's edits.
   */
  async reembedBlob(blob: Blob, garments: { category: Category; box: Box }[]): Promise<Reembedding> {
    const run = ready();
    const { image, scale } = await decode(blob);
    const scaled = garments.map((g) => ({ category: g.category, box: g.box.map((v) => v * scale) as Box }));
    return run.reembed(image, scaled);
  },

  memory(): { numTensors: number; numBytes: number } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },

  backend(): BackendInfo {
    if (!info) throw new Error('The vision worker is not initialised: call init() first');
    return info;
  },

  /**
   * Runs garment-net on one fixed synthetic crop on WASM and on WebGPU (any adapter, SwiftShader included)
   * and compares its outputs (type probabilities and embedding; max abs difference <= BACKEND_TOLERANCE);
   * the chosen backend is restored afterwards.
   */
  async checkBackends(): Promise<{ backends: { name: string; ms: number }[]; maxAbsDiff: number; tolerance: number; ok: boolean }> {
    if (!models || !info) throw new Error('The vision worker is not initialised: call init() first');
    const net = models.garments;
    const image = syntheticImage(224, 224);
    const names: BackendName[] = ['wasm'];
    if ((await probeWebGpu()).available) names.push('webgpu');
    const outputs: Float32Array[] = [];
    const backends: { name: string; ms: number }[] = [];
    const original = info.name;
    try {
      for (const name of names) {
        if (!(await switchBackend(name, BACKEND_OPTIONS))) continue;
        const input = tf.tidy(() => tf.expandDims(rgbTensor(image), 0) as tf.Tensor4D);
        // One untimed run moves the weights to this backend and compiles its kernels.
        await net.analyze(input);
        const start = performance.now();
        const { types, vectors } = await net.analyze(input);
        // The name tfjs reports, so that a silent fallback could not pass for the backend asked for.
        backends.push({ name: tf.getBackend(), ms: Math.round((performance.now() - start) * 10) / 10 });
        input.dispose();
        outputs.push(Float32Array.from([...types[0].probabilities, ...vectors[0]]));
      }
    } finally {
      await switchBackend(original, BACKEND_OPTIONS);
    }
    let maxAbsDiff = 0;
    for (let b = 1; b < outputs.length; b++) {
      for (let i = 0; i < outputs[0].length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(outputs[0][i] - outputs[b][i]));
    }
    return { backends, maxAbsDiff, tolerance: BACKEND_TOLERANCE, ok: outputs.length === names.length && maxAbsDiff <= BACKEND_TOLERANCE };
  },
};

export type VisionApi = typeof api;

expose(api);
