/** Settings: the backend choice, storage, deleting everything, and what models Mirror runs. */
import type { BackendChoice, BackendInfo } from '../../../common/types';
import { db } from '../../db/connection';
import { clearAll, getSetting, setSetting } from '../../db/looks';
import { vision } from '../../services/vision';
import { searchIndex } from '../../services/search-index';
import { emit } from '../../services/messages.svelte';
import { parseManifest } from '../offline/model-cache';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];
const BACKEND_KEY = 'backend';

const isChoice = (v: unknown): v is BackendChoice => (BACKEND_CHOICES as readonly unknown[]).includes(v);

export async function storedBackendChoice(): Promise<BackendChoice> {
  const v = await getSetting(await db(), BACKEND_KEY);
  return isChoice(v) ? v : 'auto';
}

/** Loads the stored choice into the vision service (on start, before any analysis). */
export async function applyStoredBackend(): Promise<void> {
  vision.preset(await storedBackendChoice());
}

export async function chooseBackend(choice: BackendChoice): Promise<BackendInfo> {
  await setSetting(await db(), BACKEND_KEY, choice);
  return vision.useBackend(choice);
}

export const currentBackend = (): Promise<BackendInfo> => vision.backend();
export const checkBackends = () => vision.checkBackends();
export const tfMemory = () => vision.memory();

export interface StorageInfo {
  usage?: number;
  quota?: number;
  persisted: boolean | null;
}

export async function storageInfo(): Promise<StorageInfo> {
  const s = navigator.storage;
  if (!s) return { persisted: null };
  const [estimate, persisted] = await Promise.all([
    s.estimate?.().catch(() => ({}) as StorageEstimate) ?? ({} as StorageEstimate),
    s.persisted?.().catch(() => null) ?? null,
  ]);
  return { usage: estimate.usage, quota: estimate.quota, persisted };
}

/** Asks the browser to keep Mirror's storage when space runs low; resolves to whether it now does. */
export async function askPersistence(): Promise<boolean> {
  return (await navigator.storage?.persist?.()) ?? false;
}

/** Deletes every look, garment, vector and setting, and empties the index. The model cache stays. */
export async function deleteEverything(): Promise<void> {
  await clearAll(await db());
  emit('looks-changed', { lookIds: 'all' });
  await searchIndex.clear();
}

export interface ModelEntry {
  name: string;
  use?: string;
  source: string;
  license: string;
  version?: string;
  bytes: number;
}

/** The models Mirror runs, from the manifest the build writes (same origin, cached for offline). */
export async function modelList(): Promise<ModelEntry[]> {
  const response = await fetch(`${import.meta.env.BASE_URL}models/manifest.json`);
  if (!response.ok) throw new Error(`the model list could not be read (HTTP ${response.status})`);
  return parseManifest(await response.json()).models.map((m) => ({
    name: m.name,
    use: m.use,
    source: m.source,
    license: m.license,
    version: m.version,
    bytes: m.files.reduce((sum, f) => sum + f.bytes, 0),
  }));
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
