/**
 * score-outfits end to end on fixtures written here (synthetic JPEGs in CCP layout), with the shipped
 * student and the committed teacher: every good outfit gets a score 0..1, every bad one is reported on
 * stderr and the rest goes on.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPerson, useWasm } from '../workers/node/test-support';
import { loadWeights, OUTFIT } from '../workers/models/outfit-scorer';
import { fileHandler } from '../workers/node/fs-models';
import { scoreOutfits } from './score-outfits';
import { STUDENT_DIR, TEACHER_DIR } from './train-paths';

const toJpeg = (w: number, h: number, top?: [number, number, number]) => {
  const img = syntheticPerson(w, h, top);
  return jpeg.encode({ width: w, height: h, data: Buffer.from(img.data.buffer) }, 90).data;
};

describe.skipIf(!existsSync(join(STUDENT_DIR, 'model.json')))('score-outfits', () => {
  let dir: string;
  beforeAll(async () => {
    await useWasm();
    dir = await mkdtemp(join(tmpdir(), 'mirror-outfits-'));
    await mkdir(join(dir, 'photos'), { recursive: true });
    await writeFile(join(dir, 'photos/0001.jpg'), toJpeg(240, 360));
    await writeFile(join(dir, 'photos/0002.jpg'), toJpeg(200, 320, [30, 30, 30]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the shipped student takes garmentInput's vectors (garment-net embedding + colour)", async () => {
    const { config, weights } = await loadWeights(fileHandler(join(STUDENT_DIR, 'model.json')));
    Object.values(weights).forEach((t) => t.dispose());
    expect(config.kind).toBe('student');
    expect(config.inputDim).toBe(OUTFIT.inputDim);
  });

  it('scores good outfits and reports the bad ones per outfit', async () => {
    const top = { photo: '0001', box: [80, 60, 80, 120], category: 'top' };
    const legs = { photo: '0002', box: [70, 160, 60, 130], category: 'bottom' };
    const outfits = {
      outfits: [
        { id: 'good', items: [top, legs] },
        { id: 'good2', items: [top, legs, { photo: '0001', box: [90, 325, 60, 20], category: 'shoes' }] },
        { id: 'missing-photo', items: [top, { photo: '0099', box: [0, 0, 10, 10], category: 'shoes' }] },
        { id: 'bad-box', items: [top, { photo: '0002', box: [500, 500, 10, 10], category: 'shoes' }] },
        { id: 'bad-category', items: [top, { photo: '0002', box: [0, 0, 10, 10], category: 'sock' }] },
        { id: 'one', items: [top] },
      ],
    };
    await writeFile(join(dir, 'outfits.json'), JSON.stringify(outfits));
    const lines: string[] = [];
    await scoreOutfits({ data: dir, outfits: join(dir, 'outfits.json'), model: 'student', out: join(dir, 'scores.json') }, (s) => lines.push(s));
    const { scores } = JSON.parse(await readFile(join(dir, 'scores.json'), 'utf8')) as { scores: Record<string, number> };
    expect(Object.keys(scores).sort()).toEqual(['good', 'good2']);
    for (const v of Object.values(scores)) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    const log = lines.join('\n');
    for (const id of ['missing-photo', 'bad-box', 'bad-category', 'one']) expect(log).toContain(`outfit ${id}:`);
    expect(log).toMatch(/outfit bad-box: .*outside/);
  });

  it('scores with the committed teacher, which the app never downloads', async () => {
    const card = JSON.parse(await readFile(join(TEACHER_DIR, 'model-card.json'), 'utf8')) as { name: string; app?: boolean };
    expect(card).toMatchObject({ name: 'outfit-teacher', app: false });
    const { config, weights } = await loadWeights(fileHandler(join(TEACHER_DIR, 'model.json')));
    Object.values(weights).forEach((t) => t.dispose());
    expect(config.kind).toBe('teacher');
    const top = { photo: '0001', box: [80, 60, 80, 120], category: 'top' };
    const legs = { photo: '0002', box: [70, 160, 60, 130], category: 'bottom' };
    await writeFile(join(dir, 'outfits-t.json'), JSON.stringify({ outfits: [{ id: 'o1', items: [top, legs] }] }));
    await scoreOutfits({ data: dir, outfits: join(dir, 'outfits-t.json'), model: 'teacher', out: join(dir, 'scores-t.json') }, () => {});
    const { scores } = JSON.parse(await readFile(join(dir, 'scores-t.json'), 'utf8')) as { scores: Record<string, number> };
    expect(scores.o1).toBeGreaterThan(0);
    expect(scores.o1).toBeLessThan(1);
  });
});
