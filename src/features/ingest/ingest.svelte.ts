/** The app's one ingest queue, wired to the real database, workers and messages, with reactive state. */
import { db } from '../../db/connection';
import { vision, WorkerReplaced } from '../../services/vision';
import { searchIndex } from '../../services/search-index';
import { emit, say } from '../../services/messages.svelte';
import { IngestQueue, type IngestSnapshot } from './ingest-queue';
import { preparePhoto } from './prepare';

const queue = new IngestQueue({
  db,
  prepare: preparePhoto,
  analyze: (photo) => vision.analyze(photo),
  index: searchIndex,
  say,
  changed: (lookIds) => emit('looks-changed', { lookIds }),
  isRetryable: (e) => e instanceof WorkerReplaced,
});

export const ingestState = $state<IngestSnapshot>(queue.snapshot());
queue.subscribe((s) => Object.assign(ingestState, s));

export const ingest = {
  addFiles: (files: Iterable<File>): void => queue.addFiles(files),
  cancel: (): void => queue.cancel(),
  retry: (lookId: string): Promise<void> => queue.retry(lookId),
  resumePending: (): Promise<number> => queue.resumePending(),
};

/** Image files among dropped or pasted items (other kinds, like text, are ignored). */
export function filesFrom(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length > 0) return files;
  return [...data.items].filter((i) => i.kind === 'file').map((i) => i.getAsFile()).filter((f): f is File => f !== null);
}
