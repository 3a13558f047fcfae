/**
 * The re-embedding migration, free of Svelte and of browser-only APIs so that it runs in Node tests
 * (fake-indexeddb). When the vision worker's model version differs from the one a stored look was
 * analysed with, the look is re-embedded in the background: its photo and garments (categories, boxes) go
 * to the worker, and its new vectors and types are written in one transaction per look (src/db/reembed.ts).
 * A reload mid-way resumes with the looks still on the old version; the search index only holds vectors of
 * the current version meanwhile, so the looks not yet done are "updating" rather than wrong neighbours.
 */
import type { Category } from '../../common/categories';
import type { VectorRecord } from '../../common/db-schema';
import type { Box, Reembedding } from '../../common/types';
import type { MirrorDb } from '../db/looks';
import { looksToReembed, reembedRequest, saveReembedding } from '../db/reembed';

export interface ModelUpdateDeps {
  db: () => Promise<MirrorDb>;
  /** The model version the vision worker runs now (may start the worker). */
  currentVersion: () => Promise<string>;
  reembed: (photo: Blob, garments: { category: Category; box: Box }[]) => Promise<Reembedding>;
  index: { add(vectors: VectorRecord[]): Promise<void>; useModelVersion(version: string): void };
  /** Looks were rewritten: views showing them should read them again. */
  changed: (lookIds: string[]) => void;
  say: (kind: 'info' | 'error', text: string) => void;
  /** True for an error that means "try the same look again" (the worker was replaced mid-call). */
  isRetryable?: (e: unknown) => boolean;
}

export interface ModelUpdateSnapshot {
  /** The current model version, once known. */
  version: string | null;
  running: boolean;
  /** Looks of this run re-embedded (or found gone) so far, out of total. */
  done: number;
  total: number;
  /** Looks that could not be re-embedded in this session (left on their old version). */
  failed: number;
  /** What is happening, in words, while running. */
  label: string;
}

/** A look is tried this many times when the worker is replaced under it (backend change) before it counts as failed. */
const RETRIES = 2;

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ModelUpdate {
  private version: string | null = null;
  private run: Promise<void> | null = null;
  /** Asked to run again while running (a new version was reported): the loop plans once more at its end. */
  private again = false;
  private done = 0;
  private total = 0;
  /** Looks rewritten by this run, for the closing message. */
  private updated = 0;
  private readonly failedIds = new Set<string>();
  private readonly listeners = new Set<(s: ModelUpdateSnapshot) => void>();
  private waiters: ((version: string) => void)[] = [];

  constructor(private readonly deps: ModelUpdateDeps) {}

  subscribe(listener: (s: ModelUpdateSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): ModelUpdateSnapshot {
    const running = this.run !== null && this.total > 0;
    return {
      version: this.version,
      running,
      done: this.done,
      total: this.total,
      failed: this.failedIds.size,
      label: running ? `Updating your looks for the new model: ${this.done} / ${this.total}` : '',
    };
  }

  /** The current model version; waits for it to be known (start() learns it). */
  currentVersion(): Promise<string> {
    if (this.version !== null) return Promise.resolve(this.version);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The version if known now, without waiting. */
  knownVersion(): string | null {
    return this.version;
  }

  /**
   * Learns the current version (from `known` when the caller has it, else from the worker) and re-embeds
   * every analysed look on another version. Resolves when no look is left to do. Safe to call again: a call
   * while running makes the running one plan again at its end.
   */
  start(known?: string): Promise<void> {
    if (known !== undefined && known !== this.version) this.setVersion(known);
    if (this.run) {
      this.again = true;
      return this.run;
    }
    this.run = this.loop().finally(() => {
      this.run = null;
      this.total = 0;
      this.done = 0;
      this.updated = 0;
      this.emit();
    });
    return this.run;
  }

  /** The worker reported a version (an analysis, a re-embedding, init): a new one starts the migration. */
  heard(version: string): void {
    if (version === this.version) return;
    void this.start(version);
  }

  private setVersion(version: string): void {
    this.version = version;
    this.deps.index.useModelVersion(version);
    for (const resolve of this.waiters.splice(0)) resolve(version);
    this.emit();
  }

  private async loop(): Promise<void> {
    const db = await this.deps.db();
    if (this.version === null) this.setVersion(await this.deps.currentVersion());
    do {
      this.again = false;
      const version = this.version!;
      const todo = (await looksToReembed(db, version)).filter((id) => !this.failedIds.has(id));
      this.total = this.done + todo.length;
      this.emit();
      for (const lookId of todo) {
        if (this.version !== version) break; // a newer model was reported: plan again for it
        await this.reembedLook(db, lookId, version);
        this.done += 1;
        this.emit();
      }
    } while (this.again);
    if (this.updated > 0) this.deps.say('info', `Updated ${this.updated} ${this.updated === 1 ? 'look' : 'looks'} for the new model.`);
    const failed = this.failedIds.size;
    if (failed > 0) {
      const which = failed === 1 ? '1 look could not be updated for the new model; it is' : `${failed} looks could not be updated for the new model; they are`;
      this.deps.say('error', `${which} left out of similar looks until analysed again.`);
    }
  }

  private async reembedLook(db: MirrorDb, lookId: string, version: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const request = await reembedRequest(db, lookId);
      if (!request || request.fromVersion === version) return; // deleted, analysed again, or done meanwhile
      try {
        const result = await this.deps.reembed(request.photo, request.garments.map(({ category, box }) => ({ category, box })));
        if (result.modelVersion !== version) {
          // The worker runs another model than planned for (an update landed): start over for that one.
          this.setVersion(result.modelVersion);
          this.again = true;
        }
        const vectors = await saveReembedding(db, request, result);
        if (vectors) {
          this.updated += 1;
          this.deps.changed([lookId]);
          // Stored is done: an index that cannot take them now loads them from IndexedDB when it next starts.
          await this.deps.index.add(vectors).catch((e: unknown) => console.warn(`the index did not take ${lookId}: ${describe(e)}`));
        }
        return;
      } catch (e) {
        if (attempt < RETRIES && this.deps.isRetryable?.(e)) continue;
        this.failedIds.add(lookId);
        console.warn(`re-embedding ${lookId} failed: ${describe(e)}`);
        return;
      }
    }
  }

  private emit(): void {
    const s = this.snapshot();
    for (const listener of this.listeners) listener(s);
  }
}
