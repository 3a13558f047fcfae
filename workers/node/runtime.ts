/** Node realm: the WASM backend and the models from disk, for the CLI and the specs. */
import { chooseBackend } from '../backend';
import type { BackendChoice, BackendInfo } from '../../common/types';
import { loadModels, type Models } from '../pipeline';
import { fileModels, nodeWasmDir, DEFAULT_MODELS_DIR } from './fs-models';

export async function nodeBackend(choice: BackendChoice = 'wasm'): Promise<BackendInfo> {
  return chooseBackend(choice, { wasmPaths: nodeWasmDir() });
}

export async function nodeModels(dir: string = DEFAULT_MODELS_DIR): Promise<Models> {
  return loadModels(fileModels(dir));
}
