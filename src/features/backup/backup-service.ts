/**
 * Back up and restore (src/db/backup.ts), wired to the page: the backup is downloaded as a file, and a restored one
 * reaches the views, the search index, the re-embedding migration and ingest.
 */
import { restoreBackup, writeBackup, BACKUP_EXTENSION, type RestoreResult } from '../../db/backup';
import { db } from '../../db/connection';
import { emit } from '../../services/messages.svelte';
import { modelUpdate } from '../../services/model-update.svelte';
import { searchIndex } from '../../services/search-index';
import { ingest } from '../ingest/ingest.svelte';
import { download } from '../share/hand-over';
import { dayStamp } from '../../ui/format';

/** mirror-backup-2026-12-05.mirror, by the local date. */
export const backupFileName = (now = Date.now()): string => `mirror-backup-${dayStamp(now)}${BACKUP_EXTENSION}`;

/** Writes the backup and hands it to the browser as a download; nothing is sent anywhere. */
export async function downloadBackup(): Promise<{ looks: number; bytes: number; name: string }> {
  const { blob, looks } = await writeBackup(await db());
  const name = backupFileName();
  download(blob, name);
  return { looks, bytes: blob.size, name };
}

/** Whether the browser can decode the image (a restore leaves out a look whose photo cannot be shown or analysed). */
async function decodes(image: Blob): Promise<boolean> {
  try {
    (await createImageBitmap(image)).close();
    return true;
  } catch {
    return false;
  }
}

/** Restores a backup file beside the collection, then has the app catch up with what was written. */
export async function restoreFrom(file: File, progress: (done: number, total: number) => void): Promise<RestoreResult> {
  const result = await restoreBackup(await db(), file, { decodes, progress });
  if (result.restored > 0 || result.pieces > 0 || result.likes > 0) {
    // The collection, the wardrobe and the outfit scorer (looks, pieces and likes) read their stores again.
    emit('looks-changed', { lookIds: 'all' });
    searchIndex.reload();
  }
  if (result.reembed > 0 || result.restored > 0) modelUpdate.recheck();
  if (result.pending > 0) void ingest.resumePending();
  return result;
}
