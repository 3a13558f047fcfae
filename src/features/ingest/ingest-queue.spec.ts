import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openMirrorDB } from '../../../common/db-open';
import { EMBEDDING_DIM } from '../../../common/constants';
import type { LookRecord, VectorRecord } from '../../../common/db-schema';
import type { Analysis, DetectedGarment } from '../../../common/types';
import { IngestQueue, type IngestDeps } from './ingest-queue';
import { PhotoRefused, type PreparedPhoto } from './prepare';

let dbCount = 0;

function vec(seed: number): Float32Array {
  const v = new Float32Array(EMBEDDING_DIM);
  v[seed % EMBEDDING_DIM] = 1;
  return v;
}

function garment(category: DetectedGarment['category'], colour: string, seed: number): DetectedGarment {
  return {
    category,
    box: [10 * seed, 20, 50, 60],
    score: 0.9,
    colours: [{ name: colour, rgb: [1, 2, 3], fraction: 0.8 }],
    histogram: [],
    embedding: vec(seed),
  };
}

function analysis(garments: DetectedGarment[]): Analysis {
  return { width: 100, height: 200, people: [], garments, lookEmbedding: vec(0), modelVersion: 'test-1', timings: {} };
}

const file = (name: string, text = 'x'): File => new File([text], name, { type: 'image/jpeg' });

function setup(overrides: Partial<IngestDeps> = {}) {
  const dbPromise = openMirrorDB({ name: `ingest-test-${++dbCount}` });
  const messages: { kind: string; text: string }[] = [];
  const added: VectorRecord[] = [];
  const deps: IngestDeps = {
    db: () => dbPromise,
    prepare: async (f: File): Promise<PreparedPhoto> => {
      if ((await f.text()) === 'bad') throw new PhotoRefused('not a JPEG/PNG/WebP image');
      return { photo: new Blob(['photo of ' + f.name]), thumb: new Blob(['thumb']), width: 100, height: 200, takenAt: 1000 };
    },
    analyze: async () => analysis([garment('top', 'navy', 1), garment('shoes', 'white', 2)]),
    index: {
      add: async (v) => void added.push(...v),
      removeLook: async () => undefined,
    },
    say: (kind, text) => void messages.push({ kind, text }),
    changed: () => undefined,
    now: () => 5000,
    ...overrides,
  };
  return { queue: new IngestQueue(deps), db: dbPromise, messages, added };
}

describe('IngestQueue', () => {
  it('stores, analyses and indexes each photo, writing garments and vectors with the look', async () => {
    const { queue, db, messages, added } = setup();
    queue.addFiles([file('a.jpg'), file('b.jpg')]);
    expect(queue.snapshot()).toMatchObject({ running: true, total: 2, done: 0, label: 'Analysing 1 of 2' });
    await queue.idle();

    const d = await db;
    const looks = await d.getAll('looks');
    expect(looks).toHaveLength(2);
    for (const look of looks) {
      expect(look).toMatchObject({ status: 'analysed', modelVersion: 'test-1', takenAt: 1000, addedAt: 5000 });
      expect(look.categories).toEqual(['top', 'shoes']);
      expect(look.colourNames).toEqual(['navy', 'white']);
      const garments = await d.getAllFromIndex('garments', 'byLook', look.id);
      expect(garments.map((g) => g.category).sort()).toEqual(['shoes', 'top']);
      const vectorIds = (await d.getAllFromIndex('vectors', 'byLook', look.id)).map((v) => v.id).sort();
      expect(vectorIds).toEqual([`look:${look.id}`, ...garments.map((g) => `garment:${g.id}`)].sort());
    }
    expect(added).toHaveLength(6);
    expect(queue.snapshot()).toMatchObject({ running: false, total: 2, done: 2, busy: [], current: null });
    expect(messages).toEqual([{ kind: 'info', text: 'Done: 2 looks analysed.' }]);
  });

  it('names each refused file and goes on with the rest of the batch', async () => {
    const { queue, db, messages } = setup();
    queue.addFiles([file('broken.jpg', 'bad'), file('good.jpg')]);
    await queue.idle();
    expect(messages).toContainEqual({ kind: 'error', text: 'broken.jpg: not a JPEG/PNG/WebP image' });
    expect(messages.at(-1)).toEqual({ kind: 'info', text: 'Done: 1 look analysed, 1 file not added.' });
    const looks = await (await db).getAll('looks');
    expect(looks.map((l) => l.name)).toEqual(['good.jpg']);
  });

  it('marks a look failed, with nothing half written, when analysis throws', async () => {
    const { queue, db, messages } = setup({ analyze: async () => Promise.reject(new Error('model missing')) });
    queue.addFiles([file('a.jpg')]);
    await queue.idle();
    const d = await db;
    const [look] = await d.getAll('looks');
    expect(look).toMatchObject({ status: 'failed', error: 'model missing' });
    expect(await d.count('garments')).toBe(0);
    expect(await d.count('vectors')).toBe(0);
    expect(messages).toContainEqual({ kind: 'error', text: 'a.jpg: analysis failed (model missing)' });
  });

  it('keeps stored looks pending on cancel and analyses them on resume', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const analyze = vi.fn(async () => {
      await gate;
      return analysis([garment('dress', 'red', 3)]);
    });
    const first = setup({ analyze });
    first.queue.addFiles([file('a.jpg'), file('b.jpg'), file('c.jpg')]);
    // Let the files be stored as pending looks while the first analysis waits.
    await vi.waitFor(async () => expect(await (await first.db).count('looks')).toBe(3));
    first.queue.cancel();
    expect(first.queue.snapshot().running).toBe(false);
    expect(first.messages.at(-1)?.text).toBe(
      'Cancelled. Looks already added stay; those not yet analysed are analysed when Mirror next starts.',
    );
    release();
    await first.queue.idle();
    const d = await first.db;
    const statuses = (await d.getAll('looks')).map((l: LookRecord) => l.status).sort();
    // The analysis already running finished; the two queued looks stay pending.
    expect(statuses).toEqual(['analysed', 'pending', 'pending']);

    // The next start: a new queue on the same database resumes them.
    const next = new IngestQueue({
      db: () => first.db,
      prepare: async () => Promise.reject(new Error('unused')),
      analyze: async () => analysis([garment('dress', 'red', 3)]),
      index: { add: async () => undefined, removeLook: async () => undefined },
      say: () => undefined,
      changed: () => undefined,
    });
    expect(await next.resumePending()).toBe(2);
    await next.idle();
    expect((await d.getAll('looks')).every((l) => l.status === 'analysed')).toBe(true);
    expect(await d.count('garments')).toBe(3);
  });

  it('retries a look whose worker was replaced mid-analysis', async () => {
    let calls = 0;
    const replaced = new Error('replaced');
    const { queue, db } = setup({
      analyze: async () => {
        calls += 1;
        if (calls === 1) throw replaced;
        return analysis([]);
      },
      isRetryable: (e) => e === replaced,
    });
    queue.addFiles([file('a.jpg')]);
    await queue.idle();
    expect(calls).toBe(2);
    expect((await (await db).getAll('looks'))[0].status).toBe('analysed');
  });
});
