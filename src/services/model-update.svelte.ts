/**
 * The app's one re-embedding migration (./model-update.ts), wired to the real database, workers and
 * messages, with reactive progress for the header and Settings.
 *
 * Knowing the current model version costs a vision worker start (its models load), so it is remembered in
 * settings with the build that learned it: the bundled page module's address changes whenever the worker
 * bundle does (its hashed file name is inlined here), so the same address means the same models. A start
 * with nothing to migrate then never starts the worker. Any version the worker reports later (an analysis,
 * init) is heard too, and a new one starts the migration.
 */
import { db } from '../db/connection';
import { getSetting, setSetting } from '../db/looks';
import { emit, say } from './messages.svelte';
import { ModelUpdate, type ModelUpdateSnapshot } from './model-update';
import { searchIndex } from './search-index';
import { vision, WorkerReplaced } from './vision';

const VERSION_KEY = 'model-version';
const BUILD = import.meta.url;

interface StoredVersion {
  build: string;
  version: string;
}
const isStored = (v: unknown): v is StoredVersion =>
  typeof v === 'object' && v !== null && typeof (v as StoredVersion).build === 'string' && typeof (v as StoredVersion).version === 'string';

async function remembered(): Promise<string | null> {
  const v = await getSetting(await db(), VERSION_KEY);
  return isStored(v) && v.build === BUILD ? v.version : null;
}

async function remember(version: string): Promise<void> {
  await setSetting(await db(), VERSION_KEY, { build: BUILD, version } satisfies StoredVersion);
}

async function versionFromWorker(): Promise<string> {
  const version = await vision.modelVersion();
  await remember(version).catch(() => undefined);
  return version;
}

const update = new ModelUpdate({
  db,
  currentVersion: versionFromWorker,
  reembed: (photo, garments) => vision.reembed(photo, garments),
  index: searchIndex,
  say,
  changed: (lookIds) => emit('looks-changed', { lookIds }),
  isRetryable: (e) => e instanceof WorkerReplaced,
});

export const modelUpdateState = $state<ModelUpdateSnapshot>(update.snapshot());
update.subscribe((s) => Object.assign(modelUpdateState, s));

let started = false;

function report(e: unknown): void {
  say('error', `Your looks could not be updated for the new model (${e instanceof Error ? e.message : String(e)})`);
}

export const modelUpdate = {
  /**
   * On app start: re-embeds the looks analysed by another model version, in the background. Starts the
   * vision worker only when the version is not remembered for this build and some look is analysed.
   */
  async start(): Promise<void> {
    if (started) return;
    started = true;
    vision.onModelVersion((version) => {
      if (version === update.knownVersion()) return;
      void remember(version).catch(() => undefined);
      update.heard(version);
    });
    const known = await remembered();
    if (known !== null) {
      void update.start(known).catch(report);
      return;
    }
    const analysed = await (await db()).countFromIndex('looks', 'byStatus', 'analysed');
    if (analysed > 0) void update.start().catch(report);
  },
  /** Looks were stored from elsewhere (a restored backup): those on another model version, or none, are re-embedded. */
  recheck(): void {
    void update.start(update.knownVersion() ?? undefined).catch(report);
  },
  /** The model version vectors must have to be compared (starts the vision worker when it is not known). */
  async currentVersion(): Promise<string> {
    const known = update.knownVersion() ?? (await remembered()) ?? (await versionFromWorker());
    if (update.knownVersion() === null) void update.start(known).catch(report);
    return known;
  },
};
