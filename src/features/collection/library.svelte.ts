/** The collection as reactive state, re-read from IndexedDB whenever looks change. */
import type { LookRecord } from '../../../common/db-schema';
import { db } from '../../db/connection';
import { listLooks } from '../../db/looks';
import { describe, error, on } from '../../services/messages.svelte';
import { newestFirst } from './filter';

export const library = $state<{ looks: LookRecord[]; loaded: boolean }>({ looks: [], loaded: false });

let reading: Promise<void> | null = null;
let again = false;

/** Re-reads all looks; calls made while a read runs are folded into one more read. */
export function refreshLibrary(): Promise<void> {
  if (reading) {
    again = true;
    return reading;
  }
  reading = (async () => {
    do {
      again = false;
      try {
        library.looks = newestFirst(await listLooks(await db()));
        library.loaded = true;
      } catch (e) {
        error(`The collection could not be read (${describe(e)})`);
        return;
      }
    } while (again);
  })().finally(() => {
    reading = null;
  });
  return reading;
}

on('looks-changed', () => void refreshLibrary());
