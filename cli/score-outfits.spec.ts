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
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPerson, useWasm } from '../workers/node/test-support';
import { loadWeights, OUTFIT, parameterCount } from '../workers/models/outfit-scorer';
import { fileHandler } from '../workers/node/fs-models';
import { matchedLabels, scoreOutfits } from './score-outfits';
import { STUDENT_DIR, TEACHER_DIR } from './train-paths';

const toJpeg = (w: number, h: number, top?: [number, number, number]) => {
  const img = syntheticPerson(w, h, top);
  return jpeg.encode({ width: w, height: h, data: Buffer.from(img.data.buffer) }, 90).data;
};

describe('which annotated garment a box is', () => {
  const categories = new Map([['shirt', 'top'], ['sweater', 'top'], ['jeans', 'bottom']] as const);
  const items = [
    { label: 'shirt', box: [10, 10, 40, 30] as [number, number, number, number], pixels: 900 },
    { label: 'sweater', box: [20, 20, 40, 30] as [number, number, number, number], pixels: 900 },
    { label: 'jeans', box: [20, 50, 30, 40] as [number, number, number, number], pixels: 900 },
  ];
  it('one label whose box it is, or all of the category where it is their union box', () => {
    expect(matchedLabels(items, categories, 'top', [10, 10, 40, 30])).toEqual(['shirt']);
    expect(matchedLabels(items, categories, 'top', [10.5, 10, 40, 30.5])).toEqual(['shirt']);
    expect(matchedLabels(items, categories, 'top', [10, 10, 50, 40])).toEqual(['shirt', 'sweater']);
    expect(matchedLabels(items, categories, 'bottom', [20, 50, 30, 40])).toEqual(['jeans']);
  });
  it('none where the box is no annotated garment of that category', () => {
    expect(matchedLabels(items, categories, 'top', [20, 50, 30, 40])).toEqual([]); // the jeans' box, asked as a top
    expect(matchedLabels(items, categories, 'bottom', [20, 50, 30, 20])).toEqual([]); // half the jeans
    expect(matchedLabels([], categories, 'top', [10, 10, 40, 30])).toEqual([]);
  });
  it('without a label map, the one label of any category whose box it is', () => {
    expect(matchedLabels(items, null, 'top', [10.5, 10, 40, 30.5])).toEqual(['shirt']);
    expect(matchedLabels(items, null, 'dress', [20, 50, 30, 40])).toEqual(['jeans']); // its own box: whatever it is called
    expect(matchedLabels(items, null, 'top', [10, 10, 50, 40])).toEqual([]); // no union of labels without categories
  });
});

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

  it("the shipped student takes garmentInput's vectors (garment-net embedding + colour), with 10x fewer parameters than the teacher", async () => {
    const { config, members } = await loadWeights(fileHandler(join(STUDENT_DIR, 'model.json')));
    members.forEach((w) => Object.values(w).forEach((t) => t.dispose()));
    expect(config.kind).toBe('student');
    expect(members).toHaveLength(config.members ?? 1);
    expect(config.inputDim).toBe(OUTFIT.inputDim);
    const teacher = await loadWeights(fileHandler(join(TEACHER_DIR, 'model.json')));
    teacher.members.forEach((w) => Object.values(w).forEach((t) => t.dispose()));
    expect(parameterCount(teacher.config)).toBeGreaterThanOrEqual(10 * parameterCount(config));
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

  it('cuts a box that is an annotated garment out by its own mask (CCP layout), any other box by the person mask', async () => {
    // root/categories.json beside root/ccp/, as in ../shared/data; photo 0001's torso box is a "shirt" whose mask
    // holds only the box's upper half, which no person mask gives.
    const root = join(dir, 'annotated');
    const ccp = join(root, 'ccp');
    await mkdir(join(ccp, 'photos'), { recursive: true });
    await mkdir(join(ccp, 'masks'), { recursive: true });
    await writeFile(join(root, 'categories.json'), JSON.stringify({ ccp: { top: ['shirt'], bottom: ['jeans'] } }));
    const [w, h] = [240, 360];
    await writeFile(join(ccp, 'photos/0001.jpg'), toJpeg(w, h));
    const shirt: [number, number, number, number] = [87, 65, 66, 115];
    const png = new PNG({ width: w, height: h });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = x >= shirt[0] && x < shirt[0] + shirt[2] && y >= shirt[1] && y < shirt[1] + shirt[3] / 2 ? 1 : 0;
        png.data.set([v, v, v, 255], (y * w + x) * 4);
      }
    }
    await writeFile(join(ccp, 'masks/0001.png'), PNG.sync.write(png));
    await writeFile(join(ccp, 'annotations.json'), JSON.stringify({
      labels: ['null', 'shirt', 'jeans'], non_garment: ['null'],
      photos: [{ id: '0001', width: w, height: h, split: 'test', kind: 'pixel', tags: ['shirt'], items: [{ label: 'shirt', box: shirt, pixels: (shirt[2] * shirt[3]) / 2 }] }],
    }));
    const outfits = { outfits: [{ id: 'o1', items: [{ photo: '0001', box: shirt, category: 'top' }, { photo: '0001', box: [96, 180, 48, 144], category: 'bottom' }] }] };
    await writeFile(join(ccp, 'outfits.json'), JSON.stringify(outfits));
    const lines: string[] = [];
    await scoreOutfits({ data: ccp, outfits: join(ccp, 'outfits.json'), model: 'student', out: join(ccp, 'scores.json') }, (s) => lines.push(s));
    expect(lines.join('\n')).toContain('1 of 2 garments cut out by their annotated masks');
    const withMask = JSON.parse(await readFile(join(ccp, 'scores.json'), 'utf8')).scores.o1 as number;
    // Without categories.json beside the data set, a box that is an annotated garment's own box still gets its mask.
    await rm(join(root, 'categories.json'));
    lines.length = 0;
    await scoreOutfits({ data: ccp, outfits: join(ccp, 'outfits.json'), model: 'student', out: join(ccp, 'scores.json') }, (s) => lines.push(s));
    expect(lines.join('\n')).toMatch(/no label map \(.*categories\.json.*\): a box is taken for an annotated garment by its own box alone/);
    expect(lines.join('\n')).toContain('1 of 2 garments cut out by their annotated masks');
    expect(JSON.parse(await readFile(join(ccp, 'scores.json'), 'utf8')).scores.o1).toBeCloseTo(withMask, 6);
    // A mask that is not the photo's size is not used, and the run goes on.
    await writeFile(join(ccp, 'masks/0001.png'), PNG.sync.write(new PNG({ width: 10, height: 10 })));
    lines.length = 0;
    await scoreOutfits({ data: ccp, outfits: join(ccp, 'outfits.json'), model: 'student', out: join(ccp, 'scores.json') }, (s) => lines.push(s));
    expect(lines.join('\n')).toMatch(/photo 0001: mask not used \(is 10 x 10, the photo 240 x 360\)/);
    expect(lines.join('\n')).toContain('0 of 2 garments cut out by their annotated masks');
    // The same photo and boxes without annotations: both garments cut by the person mask, another score.
    await rm(join(ccp, 'annotations.json'));
    lines.length = 0;
    await scoreOutfits({ data: ccp, outfits: join(ccp, 'outfits.json'), model: 'student', out: join(ccp, 'scores.json') }, (s) => lines.push(s));
    expect(lines.join('\n')).toContain('0 of 2 garments cut out by their annotated masks');
    const withoutMask = JSON.parse(await readFile(join(ccp, 'scores.json'), 'utf8')).scores.o1 as number;
    expect(withoutMask).toBeGreaterThan(0);
    expect(withoutMask).not.toBeCloseTo(withMask, 6);
  });

  it('scores with the committed teacher, which the app never downloads', async () => {
    const card = JSON.parse(await readFile(join(TEACHER_DIR, 'model-card.json'), 'utf8')) as { name: string; app?: boolean };
    expect(card).toMatchObject({ name: 'outfit-teacher', app: false });
    const { config, members } = await loadWeights(fileHandler(join(TEACHER_DIR, 'model.json')));
    members.forEach((w) => Object.values(w).forEach((t) => t.dispose()));
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
