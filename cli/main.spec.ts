/**
 * The CLI end to end, as a person runs it (`tsx cli/main.ts`), on fixtures written here: two synthetic
 * JPEGs in CCP layout and two in clothing layout (plus a broken file that must be reported and skipped).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../common/categories';
import { EMBEDDING_DIM } from '../common/constants';
import { syntheticPerson } from '../workers/node/test-support';
import { REPORTED_COVER } from './evaluate';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const cli = (...args: string[]) => run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'cli/main.ts'), ...args], { cwd: root, maxBuffer: 64 << 20 });

const toJpeg = (w: number, h: number, top?: [number, number, number]) => {
  const img = syntheticPerson(w, h, top);
  return jpeg.encode({ width: w, height: h, data: Buffer.from(img.data.buffer) }, 90).data;
};

describe('cli', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mirror-cli-'));
    await mkdir(join(dir, 'ccp/photos'), { recursive: true });
    await mkdir(join(dir, 'clothing/images'), { recursive: true });
    await writeFile(join(dir, 'ccp/photos/0001.jpg'), toJpeg(240, 360));
    await writeFile(join(dir, 'ccp/photos/0002.jpg'), toJpeg(200, 320, [30, 30, 30]));
    await writeFile(join(dir, 'ccp/photos/0003.jpg'), 'not a jpeg');
    const photo = (id: string, split: string) => ({ id, width: 240, height: 360, split, kind: 'tags', tags: ['shoes'] });
    await writeFile(join(dir, 'ccp/annotations.json'), JSON.stringify({
      labels: ['null', 'shoes'], non_garment: ['null'],
      photos: [photo('0001', 'val'), photo('0002', 'val'), photo('0003', 'val'), photo('0004', 'train')],
    }));
    await writeFile(join(dir, 'clothing/images/aaa.jpg'), toJpeg(256, 300));
    await writeFile(join(dir, 'clothing/images/bbb.jpg'), toJpeg(300, 256, [20, 120, 40]));
    await writeFile(join(dir, 'clothing/images.csv'), 'image,sender_id,label,kids,split\naaa,1,T-Shirt,False,val\nbbb,2,Pants,False,val\nccc,3,Shoes,False,train\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('analyze writes garment boxes per photo and reports the broken file on stderr', async () => {
    const out = join(dir, 'analysis.json');
    const { stdout, stderr } = await cli('analyze', '--data', join(dir, 'ccp'), '--split', 'val', '--out', out);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/0003\.jpg/);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(result.photos).sort()).toEqual(['0001', '0002']);
    for (const { items } of Object.values(result.photos) as { items: { category: string; box: number[]; score: number; cover: number }[] }[]) {
      for (const item of items) {
        expect(CATEGORIES).toContain(item.category);
        expect(item.box).toHaveLength(4);
        expect(typeof item.score).toBe('number');
        expect(item.cover).toBeGreaterThanOrEqual(REPORTED_COVER); // smaller garments only with --all-garments
        expect(item.cover).toBeLessThanOrEqual(1);
      }
    }
  });

  it('embed writes one look vector per CCP photo and one item vector per clothing image', async () => {
    const looks = join(dir, 'looks.json');
    await cli('embed', '--data', join(dir, 'ccp'), '--split', 'val', '--out', looks);
    const l = JSON.parse(await readFile(looks, 'utf8'));
    expect(l.dim).toBe(EMBEDDING_DIM);
    expect(Object.keys(l.vectors).sort()).toEqual(['0001', '0002']);
    expect(l.vectors['0001']).toHaveLength(EMBEDDING_DIM);

    const items = join(dir, 'items.json');
    await cli('embed', '--data', join(dir, 'clothing'), '--split', 'val', '--out', items);
    const i = JSON.parse(await readFile(items, 'utf8'));
    expect(i.dim).toBe(EMBEDDING_DIM);
    expect(Object.keys(i.vectors).sort()).toEqual(['aaa', 'bbb']);
    expect(Math.hypot(...i.vectors.aaa)).toBeCloseTo(1, 3);
  });

  it('refuses a missing option with the usage', async () => {
    await expect(cli('analyze', '--data', dir)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/missing --split, --out/) });
  });
});
