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

export async function loadGraphModel(source: ModelSource): Promise<tf.GraphModel> {
  return tf.loadGraphModel(source);
}

export async function loadLayersModel(source: ModelSource): Promise<tf.LayersModel> {
  return tf.loadLayersModel(source);
}
