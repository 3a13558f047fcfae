/**
 * Node realm: model artifacts read from disk (public/models/<name>/model.json and its weight files),
 * as a tfjs IOHandler. tfjs-node cannot be installed here, and tfjs' own file:// handler lives in it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { ModelLocator } from '../models/io';

/** The repository's public/models folder, resolved from this file (workers/node/ -> ../../public/models). */
export const DEFAULT_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/models');

/** An IOHandler that loads `modelJsonPath` and the weight files named in its manifest (same folder). */
export function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = dirname(modelJsonPath);
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = await readFile(join(dir, path));
            // A Node Buffer may share a larger pool: copy out exactly its bytes.
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, buffers];
      });
    },
  };
}

/** Models read from `dir` (default: the repository's public/models). */
export function fileModels(dir: string = DEFAULT_MODELS_DIR): ModelLocator {
  return (name) => fileHandler(join(dir, name, 'model.json'));
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, for setWasmPaths in Node. */
export function nodeWasmDir(): string {
  // require.resolve of the package's main (dist/tf-backend-wasm.node.js) -> its dist folder.
  const main = fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm'));
  return `${dirname(main)}/`;
}
