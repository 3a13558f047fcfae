/**
 * Where model artifacts come from. The worker realm knows only URLs (fetch; the service worker caches
 * them); Node (CLI, vitest) passes an IOHandler that reads public/models from disk (workers/node/).
 * Every model module takes a `ModelSource`, so the same code runs in both realms.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The models the app's vision pipeline loads from public/models/<name>/: provisioned from npm by
 * scripts/provision-models.mjs, or trained by the project (trained/<name>/, see docs/garment-models.md).
 */
export const MODEL_NAMES = ['trained/garment-detector', 'trained/garment-net', 'movenet-lightning'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** A model.json URL or a tfjs IOHandler that yields the same artifacts. */
export type ModelSource = string | tf.io.IOHandler;

/** Maps a model name to where its artifacts are. */
export type ModelLocator = (name: ModelName) => ModelSource;

/** Models served over HTTP under `baseUrl` (e.g. `import.meta.env.BASE_URL + 'models/'`). */
export function httpModels(baseUrl: string): ModelLocator {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return (name) => `${base}${name}/model.json`;
}

/** A graph model (Mirror's own ones may have per-channel uint8 weights: decoded as loadLayersModel does). */
export async function loadGraphModel(source: ModelSource): Promise<tf.GraphModel> {
  return tf.loadGraphModel(tf.io.fromMemory(dequantized(await artifacts(source))));
}

/** The model.json and weights of a source, as tfjs reads them. */
export async function artifacts(source: ModelSource): Promise<tf.io.ModelArtifacts> {
  const handler = typeof source === 'string' ? tf.io.http(source) : source;
  if (!handler.load) throw new Error('the model source cannot load');
  return handler.load();
}

/**
 * A layers model, with the per-channel uint8 kernels of Mirror's trained models (training/garments/weights_io.py)
 * turned into float32 first: tfjs itself knows only one min and scale per tensor.
 */
export async function loadLayersModel(source: ModelSource): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(dequantized(await artifacts(source))));
}

export const PER_CHANNEL = 'uint8_per_channel';

/** Bytes per value of tfjs's own weight encodings (unquantised float32 and int32: 4). */
const BYTES: Record<string, number> = { float16: 2, uint16: 2, uint8: 1 };

/**
 * The artifacts with every `uint8_per_channel` weight decoded to float32, the rest byte for byte as they were.
 * Such a weight is stored as C float32 mins, C float32 scales, then its uint8 values in its own layout, C the
 * size of its `axis`: value = min[c] + q * scale[c].
 */
export function dequantized(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const quantization = (s: tf.io.WeightsManifestEntry) => s.quantization as { dtype: string; axis?: number } | undefined;
  if (!specs.some((s) => quantization(s)?.dtype === PER_CHANNEL) || !artifacts.weightData) return artifacts;
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const parts: Uint8Array[] = [];
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const q = quantization(spec);
    if (q?.dtype !== PER_CHANNEL) {
      const bytes = n * (q ? (BYTES[q.dtype] ?? 4) : 4);
      parts.push(data.subarray(offset, offset + bytes));
      outSpecs.push(spec);
      offset += bytes;
      continue;
    }
    const axis = q.axis ?? -1;
    if (!Number.isInteger(axis) || axis < 0 || axis >= spec.shape.length) throw new Error(`weight ${spec.name}: bad per-channel axis ${q.axis}`);
    const c = spec.shape[axis];
    if (offset + 8 * c + n > data.length) throw new Error(`weight ${spec.name}: the weights file is too short`);
    const params = new Float32Array(data.slice(offset, offset + 8 * c).buffer);
    const values = data.subarray(offset + 8 * c, offset + 8 * c + n);
    // Values along `axis` repeat every `inner` elements (the product of the dimensions after it).
    const inner = spec.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    for (let i = 0, o = 0; o < n / (c * inner); o++) {
      for (let ch = 0; ch < c; ch++) {
        const min = params[ch];
        const step = params[c + ch];
        for (let j = 0; j < inner; j++, i++) out[i] = min + values[i] * step;
      }
    }
    parts.push(new Uint8Array(out.buffer));
    outSpecs.push({ name: spec.name, shape: spec.shape, dtype: 'float32' });
    offset += 8 * c + n;
  }
  if (offset !== data.length) throw new Error(`the weights file has ${data.length - offset} bytes more than its manifest names`);
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return { ...artifacts, weightSpecs: outSpecs, weightData: joined.buffer };
}
