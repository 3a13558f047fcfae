/**
 * The pack commands end to end, as a person runs them (`tsx cli/main.ts`), on fixtures written here:
 * build-pack from a products CSV and generated product photos, then related on generated CCP photos.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPerson } from '../workers/node/test-support';
import { dequantise } from '../common/pack-format';
import { EMBEDDING_DIM } from '../common/constants';
import type { Analyzer } from '../workers/pipeline';
import { downscale, parseCsv, readPackDir, relatedForPhotos } from './packs';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const cli = (...args: string[]) => run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'cli/main.ts'), ...args], { cwd: root, maxBuffer: 64 << 20 });

const toJpeg = (w: number, h: number, top?: [number, number, number]) => {
  const img = syntheticPerson(w, h, top);
  return jpeg.encode({ width: w, height: h, data: Buffer.from(img.data.buffer) }, 90).data;
};

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and CRLF', () => {
    expect(parseCsv('id,title,price\r\n1,"Tee, red ""v2""",9.5\r\n\r\n2,Jeans,\n')).toEqual([
      { id: '1', title: 'Tee, red "v2"', price: '9.5' },
      { id: '2', title: 'Jeans', price: '' },
    ]);
  });
});

describe('downscale', () => {
  it('keeps the aspect ratio and averages', () => {
    const img = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 4).fill(200) };
    const out = downscale(img, 2);
    expect([out.width, out.height]).toEqual([2, 1]);
    expect(out.data[0]).toBe(200);
  });
});

describe('cli build-pack and related', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mirror-packs-'));
    await mkdir(join(dir, 'photos'), { recursive: true });
    await writeFile(join(dir, 'photos/red.jpg'), toJpeg(200, 260, [200, 30, 30]));
    await writeFile(join(dir, 'photos/green.jpg'), toJpeg(220, 240, [20, 150, 40]));
    await writeFile(join(dir, 'products.csv'), [
      'id,title,brand,price,currency,url,category,type,image',
      'red-1,"Red tee, cotton",Acme,19.99,EUR,https://shop.example/red,top,T-Shirt,red.jpg',
      'green-1,Green shirt,,,,,top,Shirt,green.jpg',
    ].join('\n'));
    await mkdir(join(dir, 'ccp/photos'), { recursive: true });
    await writeFile(join(dir, 'ccp/photos/0001.jpg'), toJpeg(240, 360));
    await writeFile(join(dir, 'ccp/annotations.json'), JSON.stringify({ labels: [], photos: [{ id: '0001', width: 240, height: 360, split: 'val', kind: 'tags', tags: [] }] }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a pack the app accepts, and matches every detected garment against it', async () => {
    await cli('build-pack', '--images', join(dir, 'photos'), '--products', join(dir, 'products.csv'), '--out', join(dir, 'shop'), '--title', 'Test shop');
    const pack = await readPackDir(join(dir, 'shop'));
    expect(pack.manifest.id).toBe('shop');
    expect(pack.products.map((p) => [p.id, p.title, p.price, p.image])).toEqual([
      ['red-1', 'Red tee, cotton', 19.99, 'images/red-1.jpg'],
      ['green-1', 'Green shirt', undefined, 'images/green-1.jpg'],
    ]);
    expect(pack.vectors.length).toBe(2 * EMBEDDING_DIM);
    // Each product carries its garment's colour histogram, the background left out: the red tee's is redder.
    for (const p of pack.products) expect(p.histogram!.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 2);
    const red = (p: (typeof pack.products)[number]) => p.histogram![3 * 16];
    expect(red(pack.products[0])).toBeGreaterThan(red(pack.products[1]) + 0.1);

    await cli('related', '--pack', join(dir, 'shop'), '--data', join(dir, 'ccp'), '--split', 'val', '--out', join(dir, 'related.json'));
    const related = JSON.parse(await readFile(join(dir, 'related.json'), 'utf8')) as { photos: Record<string, { items: { category: string; products: string[] }[] }> };
    // Synthetic photos may show no garment to the rules; every garment found gets both products.
    expect(Array.isArray(related.photos['0001'].items)).toBe(true);
    for (const item of related.photos['0001'].items) expect([...item.products].sort()).toEqual(['green-1', 'red-1']);

    // The matching itself, on a garment given directly (the analyzer stands in for the models here).
    const vector = dequantise(pack.scales, pack.vectors, EMBEDDING_DIM, 1);
    const analyzer = {
      analyze: async () => ({ width: 1, height: 1, people: [], lookEmbedding: vector, modelVersion: pack.manifest.embeddings.modelVersion, timings: {},
        garments: [{ category: 'top' as const, box: [1, 2, 3, 4] as [number, number, number, number], score: 1, colours: [], embedding: vector }] }),
    } as unknown as Analyzer;
    const out = await relatedForPhotos(pack, [{ id: '0001', width: 240, height: 360, split: 'val', kind: 'tags' }], join(dir, 'ccp'), analyzer, pack.manifest.embeddings.modelVersion, () => undefined);
    expect(out.photos['0001'].items).toEqual([{ category: 'top', box: [1, 2, 3, 4], products: ['green-1', 'red-1'] }]);
    await expect(relatedForPhotos(pack, [], dir, analyzer, 'another-model', () => undefined)).rejects.toThrow(/rebuild the pack/);

    // A changed file is refused by the same checker the app uses.
    const productsPath = join(dir, 'shop/products.json');
    await writeFile(productsPath, (await readFile(productsPath, 'utf8')).replace('Green shirt', 'Green shirT'));
    await expect(readPackDir(join(dir, 'shop'))).rejects.toThrow('products.json: does not match its SHA-256 in pack.json');
  });
});
