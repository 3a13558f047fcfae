/**
 * The ingest state machine, free of Svelte and of browser-only APIs so it can be tested with
 * fake-indexeddb. Two stages run side by side:
 *   1. each file is checked, re-encoded and stored as a *pending* look (one transaction);
 *   2. each pending look is analysed by the vision worker, and its garments, vectors and new status are
 *      written in one transaction, then the search index is told.
 * So a photo is either fully stored and analysed, or visibly pending, never half written. Cancel stops
 * the files and looks still queued; stored looks stay pending and are analysed on the next start.
 */
import type { Analysis } from '../../../common/types';
import type { LookRecord, VectorRecord } from '../../../common/db-schema';
import { getLook, markLook, newId, pendingLookIds, putPendingLook, saveAnalysis, type MirrorDb } from '../../db/looks';
import { PhotoRefused, type PreparedPhoto } from './prepare';

export interface IngestDeps {
  db: () => Promise<MirrorDb>;
  prepare: (file: File) => Promise<PreparedPhoto>;
  analyze: (photo: Blob) => Promise<Analysis>;
  index: { add(vectors: VectorRecord[]): Promise<void>; removeLook(lookId: string): Promise<void> };
  say: (kind: 'info' | 'error', text: string) => void;
  /** Looks were stored, analysed or marked; lists should re-read them. */
  changed: (lookIds: string[]) => void;
  /** True for an error that means "try the same look again" (the worker was replaced mid-call). */
  isRetryable?: (e: unknown) => boolean;
  now?: () => number;
}

export interface IngestSnapshot {
  running: boolean;
  /** Items (files and resumed looks) in the current batch, and how many are finished. */
  total: number;
  done: number;
  /** Look ids being analysed right now or waiting for analysis in this session. */
  busy: string[];
  /** The look being analysed right now. */
  current: string | null;
  /** What is happening, in words: "Analysing 3 of 10". */
  label: string;
}

interface QueuedLook {
  lookId: string;
  generation: number;
}
interface QueuedFile {
  file: File;
  generation: number;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class IngestQueue {
  private files: QueuedFile[] = [];
  private looks: QueuedLook[] = [];
  private generation = 0;
  private total = 0;
  private done = 0;
  private added = 0;
  private refused = 0;
  private filesRunning = false;
  private looksRunning = false;
  private busy = new Set<string>();
  private current: string | null = null;
  private listeners = new Set<(s: IngestSnapshot) => void>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: IngestDeps) {}

  subscribe(listener: (s: IngestSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): IngestSnapshot {
    const running = this.total > 0 && this.done < this.total;
    const current = Math.min(this.done + 1, this.total);
    return {
      running,
      total: this.total,
      done: this.done,
      busy: [...this.busy],
      current: this.current,
      label: running ? `Analysing ${current} of ${this.total}` : '',
    };
  }

  /** Resolves when no file or look is queued or in progress. */
  idle(): Promise<void> {
    if (!this.filesRunning && !this.looksRunning) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  addFiles(files: Iterable<File>): void {
    const list = [...files];
    if (list.length === 0) return;
    this.startBatchIfIdle();
    for (const file of list) this.files.push({ file, generation: this.generation });
    this.total += list.length;
    this.emit();
    void this.runFiles();
  }

  /** Queues every look left pending (by an earlier session, a crash or a cancel) for analysis. */
  async resumePending(): Promise<number> {
    const db = await this.deps.db();
    const ids = (await pendingLookIds(db)).filter((id) => !this.busy.has(id));
    if (ids.length > 0) {
      this.startBatchIfIdle();
      this.total += ids.length;
      this.enqueueLooks(ids);
    }
    return ids.length;
  }

  /** Analyses a look again (after a failure). */
  async retry(lookId: string): Promise<void> {
    if (this.busy.has(lookId)) return;
    const db = await this.deps.db();
    await markLook(db, lookId, 'pending');
    this.deps.changed([lookId]);
    this.startBatchIfIdle();
    this.total += 1;
    this.enqueueLooks([lookId]);
  }

  /** Stops queued work. Looks already stored stay (pending ones are analysed on the next start). */
  cancel(): void {
    const skippedFiles = this.files.length;
    for (const { lookId } of this.looks) this.busy.delete(lookId);
    this.files = [];
    this.looks = [];
    this.generation += 1;
    const wasRunning = this.total > 0 && this.done < this.total;
    this.total = 0;
    this.done = 0;
    this.emit();
    if (wasRunning) {
      const notAdded =
        skippedFiles > 0 ? ` ${skippedFiles} ${skippedFiles === 1 ? 'photo was' : 'photos were'} not added.` : '';
      // Counting the pending looks here would miss the one being stored right now, so say what happens to all.
      this.deps.say(
        'info',
        `Cancelled.${notAdded} Looks already added stay; those not yet analysed are analysed when Mirror next starts.`,
      );
    }
  }

  private startBatchIfIdle(): void {
    if (this.total > 0 && this.done < this.total) return;
    this.total = 0;
    this.done = 0;
    this.added = 0;
    this.refused = 0;
  }

  private enqueueLooks(ids: string[]): void {
    for (const lookId of ids) {
      this.busy.add(lookId);
      this.looks.push({ lookId, generation: this.generation });
    }
    this.emit();
    void this.runLooks();
  }

  private finishItem(generation: number): void {
    if (generation !== this.generation) return;
    this.done += 1;
    if (this.done >= this.total && this.total > 0) {
      const parts = [];
      if (this.added > 0 || this.refused === 0) parts.push(`${this.added} ${this.added === 1 ? 'look' : 'looks'} analysed`);
      if (this.refused > 0) parts.push(`${this.refused} ${this.refused === 1 ? 'file' : 'files'} not added`);
      this.deps.say('info', `Done: ${parts.join(', ')}.`);
    }
    this.emit();
  }

  private async runFiles(): Promise<void> {
    if (this.filesRunning) return;
    this.filesRunning = true;
    try {
      for (let item = this.files.shift(); item; item = this.files.shift()) {
        const lookId = await this.storeFile(item.file);
        if (item.generation !== this.generation) continue; // cancelled meanwhile: stays pending
        if (lookId) {
          // The file becomes a look to analyse; it still counts as one item of the batch.
          this.busy.add(lookId);
          this.looks.push({ lookId, generation: item.generation });
          this.emit();
          void this.runLooks();
        } else {
          this.refused += 1;
          this.finishItem(item.generation);
        }
      }
    } finally {
      this.filesRunning = false;
      this.settle();
    }
  }

  /** Checks, re-encodes and stores one file as a pending look; returns its id, or null when refused. */
  private async storeFile(file: File): Promise<string | null> {
    let prepared: PreparedPhoto;
    try {
      prepared = await this.deps.prepare(file);
    } catch (e) {
      this.deps.say('error', e instanceof PhotoRefused ? `${file.name}: ${e.message}` : `${file.name}: could not be read (${describe(e)})`);
      return null;
    }
    const look: LookRecord = {
      id: newId(),
      name: file.name,
      addedAt: (this.deps.now ?? Date.now)(),
      takenAt: prepared.takenAt,
      width: prepared.width,
      height: prepared.height,
      status: 'pending',
      caption: '',
      photo: prepared.photo,
      thumb: prepared.thumb,
      categories: [],
      colourNames: [],
    };
    try {
      await putPendingLook(await this.deps.db(), look);
    } catch (e) {
      this.deps.say('error', `${file.name}: could not be stored (${describe(e)})`);
      return null;
    }
    this.deps.changed([look.id]);
    return look.id;
  }

  private async runLooks(): Promise<void> {
    if (this.looksRunning) return;
    this.looksRunning = true;
    try {
      for (let item = this.looks.shift(); item; item = this.looks.shift()) {
        this.current = item.lookId;
        this.emit();
        const outcome = await this.analyseLook(item.lookId).finally(() => (this.current = null));
        if (outcome === 'retry' && item.generation === this.generation) {
          this.looks.unshift(item);
          continue;
        }
        this.busy.delete(item.lookId);
        if (outcome === 'analysed' && item.generation === this.generation) this.added += 1;
        this.finishItem(item.generation);
      }
    } finally {
      this.looksRunning = false;
      this.settle();
    }
  }

  private async analyseLook(lookId: string): Promise<'analysed' | 'failed' | 'gone' | 'retry'> {
    const db = await this.deps.db();
    const look = await getLook(db, lookId);
    if (!look) return 'gone'; // deleted while it waited
    let vectors: VectorRecord[];
    try {
      const analysis = await this.deps.analyze(look.photo);
      vectors = await saveAnalysis(db, lookId, analysis);
    } catch (e) {
      if (this.deps.isRetryable?.(e)) return 'retry';
      if (!(await getLook(db, lookId))) return 'gone';
      await markLook(db, lookId, 'failed', describe(e));
      this.deps.changed([lookId]);
      this.deps.say('error', `${look.name}: analysis failed (${describe(e)})`);
      return 'failed';
    }
    this.deps.changed([lookId]);
    try {
      await this.deps.index.removeLook(lookId);
      await this.deps.index.add(vectors);
    } catch (e) {
      // The vectors are safe in IndexedDB; the index reloads them on the next start.
      this.deps.say('error', `${look.name}: the search index could not be updated (${describe(e)})`);
    }
    return 'analysed';
  }

  private emit(): void {
    const s = this.snapshot();
    for (const listener of this.listeners) listener(s);
  }

  private settle(): void {
    if (this.filesRunning || this.looksRunning) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
