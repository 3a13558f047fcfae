/**
 * The training code of Mirror's own garment models, end to end on tiny data this spec makes itself:
 * detector.py (+ export_detector.py) on a CCP-format folder of synthetic people with pixel masks, and
 * train.py (+ export.py) on a clothing-format folder; then the exported models are loaded by the app's own
 * modules and run. Needs Debian's python3-torch (what the real training uses); without it the spec is
 * skipped and says so. The real training runs (docs/garment-models.md) are not part of the tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../common/categories';
import * as garmentDetector from '../../workers/models/garment-detector';
import { garmentRegions } from '../../workers/pipeline/regions';
import * as garmentNet from '../../workers/models/garment-net';
import { fileHandler } from '../../workers/node/fs-models';
import { syntheticPerson, useWasm } from '../../workers/node/test-support';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const here = import.meta.dirname;

function hasTorch(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, PIL, numpy'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'python3-torch, python3-pil or python3-numpy is not installed (apt-get install -y python3-torch python3-pil python3-numpy)';
  }
}
const missing = hasTorch();
if (missing) console.warn(`training/garments/training.spec.ts skipped: ${missing}`);

const jpegOf = (img: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }) =>
  jpeg.encode({ width: img.width, height: img.height, data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength) }, 92).data;

/** The CCP label of each pixel of syntheticPerson (same geometry): head skin, torso t-shirt, legs jeans, feet shoes. */
const LABELS = ['null', 'skin', 'hair', 't-shirt', 'jeans', 'shoes', 'socks'];
function maskOf(width: number, height: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = y / height;
      const dx = Math.abs(x - width / 2) / width;
      let l = 0;
      if (v > 0.06 && v < 0.18 && dx < 0.06) l = 1;
      else if (v >= 0.18 && v < 0.5 && dx < 0.14) l = 3;
      else if (v >= 0.5 && v < 0.9 && dx < 0.1 && dx > 0.015) l = 4;
      else if (v >= 0.9 && v < 0.95 && dx < 0.12 && dx > 0.01) l = 5;
      m[y * width + x] = l;
    }
  }
  return m;
}

async function makeCcp(dir: string): Promise<void> {
  await mkdir(join(dir, 'photos'), { recursive: true });
  await mkdir(join(dir, 'masks'), { recursive: true });
  const photos = [];
  const colours: [number, number, number][] = [[200, 40, 40], [40, 160, 60], [230, 230, 230], [30, 30, 160], [220, 200, 40], [120, 60, 160]];
  for (let i = 0; i < colours.length; i++) {
    const id = String(i + 1).padStart(4, '0');
    const [w, h] = [120 + 8 * i, 180 + 4 * i];
    await writeFile(join(dir, 'photos', `${id}.jpg`), jpegOf(syntheticPerson(w, h, colours[i], colours[(i + 3) % colours.length])));
    const mask = maskOf(w, h);
    const png = new PNG({ width: w, height: h, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
    png.data = Buffer.from(mask);
    await writeFile(join(dir, 'masks', `${id}.png`), PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    const items = [3, 4, 5].map((l) => {
      let [x1, y1, x2, y2, n] = [w, h, 0, 0, 0];
      for (let p = 0; p < mask.length; p++) {
        if (mask[p] !== l) continue;
        const x = p % w;
        const y = Math.floor(p / w);
        x1 = Math.min(x1, x); y1 = Math.min(y1, y); x2 = Math.max(x2, x + 1); y2 = Math.max(y2, y + 1); n++;
      }
      return { label: LABELS[l], box: [x1, y1, x2 - x1, y2 - y1], pixels: n };
    });
    photos.push({ id, width: w, height: h, split: i < 4 ? 'train' : 'val', kind: 'pixel', tags: items.map((t) => t.label), items });
  }
  // Tag-only train photos (no mask): the presence loss's data.
  for (let i = 0; i < 3; i++) {
    const id = String(colours.length + i + 1).padStart(4, '0');
    const [w, h] = [130 + 6 * i, 190];
    await writeFile(join(dir, 'photos', `${id}.jpg`), jpegOf(syntheticPerson(w, h, colours[i + 1], colours[(i + 4) % colours.length])));
    photos.push({ id, width: w, height: h, split: 'train', kind: 'tags', tags: ['t-shirt', 'jeans', 'shoes'] });
  }
  await writeFile(join(dir, 'annotations.json'), JSON.stringify({ labels: LABELS, non_garment: ['hair', 'null', 'skin'], photos }));
}

async function makeClothing(dir: string, labels: string[]): Promise<void> {
  await mkdir(join(dir, 'images'), { recursive: true });
  const rows = ['image,sender_id,label,kids,split'];
  let n = 0;
  for (const [li, label] of labels.entries()) {
    for (let k = 0; k < 3; k++) {
      const id = `00000000-0000-0000-0000-${String(n++).padStart(12, '0')}`;
      const c: [number, number, number] = [(li * 25) % 255, (k * 90) % 255, 255 - li * 20];
      await writeFile(join(dir, 'images', `${id}.jpg`), jpegOf(syntheticPerson(64, 80, c, c)));
      rows.push(`${id},${li},${label},False,${k < 2 ? 'train' : 'val'}`);
    }
  }
  await writeFile(join(dir, 'images.csv'), `${rows.join('\n')}\n`);
}

/** The part of the data sets' categories.json the training reads (the labels this spec's data uses). */
const CATEGORIES_JSON = {
  ccp: { top: ['t-shirt'], bottom: ['jeans'], shoes: ['shoes'], ignored: ['socks'], not_garment: ['null', 'skin', 'hair'] },
  clothing_fine_labels: [...garmentNet.GARMENT_NET.labels],
};

describe.skipIf(missing !== null)('garment model training (tiny data, python3-torch)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    await useWasm();
    dir = await mkdtemp(join(tmpdir(), 'mirror-train-'));
    env = { ...process.env, MIRROR_TRAIN_CACHE: join(dir, 'cache'), MIRROR_TRAIN_OUT: join(dir, 'models') };
    await writeFile(join(dir, 'categories.json'), JSON.stringify(CATEGORIES_JSON));
    await makeCcp(join(dir, 'ccp'));
    await makeClothing(join(dir, 'clothing'), CATEGORIES_JSON.clothing_fine_labels);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The exported detector (the app's module) gives a class map at stride 4 of the 320 x 480 input. */
  async function expectStride4Map(): Promise<void> {
    const model = await garmentDetector.load(fileHandler(join(dir, 'models', 'garment-detector', 'model.json')));
    const rgb = tf.zeros([480, 320, 3]) as tf.Tensor3D;
    const map = await model.segment(rgb);
    rgb.dispose();
    model.dispose();
    expect([map.height, map.width, map.stride]).toEqual([120, 80, 4]);
  }

  /** The exported graph (its stored weights, tfjs WASM, the app's module) against the torch checkpoint `ckpt` with the
   * same rounded weights, on the same pixels (verify_detector.py). */
  async function expectAsTorch(ckpt: string): Promise<void> {
    const { stdout } = await run(PYTHON, [join(here, 'verify_detector.py'), '--data', join(dir, 'ccp'), '--ckpt', ckpt, '--n', '2', '--stored'], { env, cwd: here });
    const [, diff, agree] = stdout.match(/max abs diff ([\d.e+-]+); same class in ([\d.]+)/) ?? [];
    expect(Number(diff)).toBeLessThan(0.03);
    expect(Number(agree)).toBeGreaterThan(0.99);
  }

  it("detector.py's regions() finds the garments the app's garmentRegions() finds, doubles dropped alike", async () => {
    // A 16 x 12 class map: a top under an open jacket, a bottom that is also a dress at 0.3 (one garment seen
    // twice), two shoes apart on the legs' skin (one pair) and a bag; every probability jittered by a seeded generator.
    const classes = ['background', 'skin', 'hair', ...CATEGORIES];
    const [w, h, k] = [12, 16, classes.length];
    const probs = new Float32Array(w * h * k);
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = (r * w + c) * k;
        const base = r >= 2 && r <= 5 && c >= 3 && c <= 8 ? 'top' : r >= 2 && r <= 8 && (c === 1 || c === 2 || c === 9 || c === 10) ? 'outerwear'
          : r >= 6 && r <= 12 && c >= 4 && c <= 7 ? 'bottom' : r >= 13 && r <= 14 && ((c >= 1 && c <= 3) || (c >= 8 && c <= 10)) ? 'shoes'
            : r === 13 && (c === 4 || c === 7) ? 'skin'
            : r >= 9 && r <= 10 && c === 11 ? 'bag' : 'background';
        for (let j = 0; j < k; j++) probs[i + j] = 0.02 * rand();
        probs[i + classes.indexOf(base)] = 0.6 + 0.3 * rand();
        if (base === 'top') probs[i + classes.indexOf('outerwear')] = 0.3;
        if (base === 'bottom') probs[i + classes.indexOf('dress')] = 0.25 + 0.1 * rand();
        const sum = probs.subarray(i, i + k).reduce((a, b) => a + b, 0);
        for (let j = 0; j < k; j++) probs[i + j] /= sum;
      }
    }
    const any = { min_prob: null, min_cells: 1, min_score: 0 };
    const post = {
      merge_grow: 0.5, top: any, outerwear: { min_prob: 0.2, min_cells: 1, min_score: 0 }, bottom: any,
      dress: { min_prob: 0.2, min_cells: 1, min_score: 0 }, shoes: any, bag: any, hat: { ...any, min_cells: 999 }, accessory: { ...any, min_cells: 999 },
    };
    const map = { width: w, height: h, classes, probs, letterbox: { offsetX: 0, offsetY: 0, scale: 1 }, stride: 4 };
    const app = garmentRegions(map, post).map((g) => ({ category: g.category, box: g.box, score: g.score }));
    const file = join(dir, 'class-map.json');
    await writeFile(file, JSON.stringify({ w, h, k, probs: Array.from(probs), post }));
    const code = [
      'import json, sys', 'import numpy as np', 'import detector as D',
      'd = json.load(open(sys.argv[1]))',
      "p = np.array(d['probs'], dtype=np.float32).reshape(d['h'], d['w'], d['k']).transpose(2, 0, 1)",
      "print(json.dumps([{'category': n, 'box': [float(v) for v in b], 'score': float(s)} for n, b, s in D.regions(p, d['post'])]))",
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', code, file], { cwd: here });
    const py = JSON.parse(stdout) as { category: string; box: number[]; score: number }[];
    // The bottom's dress is dropped; the top under the jacket, the jacket, the pair of shoes (one garment) and the bag stay.
    expect(app.map((g) => g.category)).toEqual(['top', 'outerwear', 'bottom', 'shoes', 'bag']);
    expect(py.map((g) => g.category)).toEqual(app.map((g) => g.category));
    py.forEach((g, i) => {
      expect(g.box).toEqual(app[i].box);
      expect(g.score).toBeCloseTo(app[i].score, 5);
    });
  });

  it("app_misses.py splits the app's misses into no box and a box off the mark", async () => {
    const photos = (JSON.parse(await readFile(join(dir, 'ccp', 'annotations.json'), 'utf8')) as { photos: { id: string; split: string; items?: { label: string; box: number[] }[] }[] }).photos;
    const val = photos.filter((p) => p.split === 'val');
    const category: Record<string, string> = { 't-shirt': 'top', jeans: 'bottom', shoes: 'shoes' };
    const exact = (p: (typeof val)[number]) => p.items!.map((it) => ({ category: category[it.label], box: it.box, score: 0.9 }));
    // The first val photo boxed as annotated; the second with its top moved off the mark, no bottom, and a jacket over the legs.
    const [x, y, w, h] = val[1].items!.find((it) => it.label === 't-shirt')!.box;
    const off = exact(val[1]).filter((g) => g.category !== 'bottom').map((g) => (g.category === 'top' ? { ...g, box: [x + w, y, w, h] } : g));
    const pred = { photos: { [val[0].id]: { items: exact(val[0]) }, [val[1].id]: { items: [...off, { category: 'outerwear', box: [x, y + h, w, h], score: 0.5 }] } } };
    const file = join(dir, 'pred.json');
    await writeFile(file, JSON.stringify(pred));
    const { stdout } = await run(PYTHON, [join(here, 'app_misses.py'), '--data', join(dir, 'ccp'), '--pred', file], { cwd: here });
    expect(stdout).toContain('top: 1 misses, 0 with no box of it, 1 with IoU < 0.5');
    expect(stdout).toContain('bottom: 1 misses, 1 with no box of it, 0 with IoU < 0.5');
    expect(stdout).toContain(`${val[1].id} no bottom box (jeans); boxed instead: top 0.00, shoes 0.00, outerwear`);
    expect(stdout).toContain('shoes: 0 misses');
  });

  it('trains the garment detector, tunes its thresholds, exports it, and the app module segments with it', async () => {
    await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), '--epochs', '2', '--views', '2', '--threads', '1'], { env, cwd: here, maxBuffer: 16 << 20 });
    const metrics = JSON.parse(await readFile(join(dir, 'cache', 'detector', 'metrics.json'), 'utf8'));
    expect(metrics.history).toHaveLength(2);
    expect(metrics.args).toMatchObject({ weak: 2, unfreeze: true, size: '320x480' }); // the shipped recipe's defaults
    expect(existsSync(join(dir, 'cache', 'detector', 'views-weak-v2-s1-320x480.npz'))).toBe(true);
    expect(metrics.val.macro.recall).toBeGreaterThanOrEqual(0);
    expect(metrics.val.pixel_accuracy).toBeGreaterThan(0);
    expect(metrics.post.top.min_cells).toBeGreaterThan(0);
    const card = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model-card.json'), 'utf8'));
    expect(card.metrics.recall_macro6).toBe(metrics.val.macro.recall);
    const model = await garmentDetector.load(fileHandler(join(dir, 'models', 'garment-detector', 'model.json')));
    expect(model.metadata.classes).toContain('shoes');
    expect(model.metadata.post).toEqual(metrics.post);
    const person = syntheticPerson(150, 220);
    const rgb = tf.tensor3d(Float32Array.from(person.data.filter((_, i) => i % 4 !== 3)), [220, 150, 3]);
    const map = await model.segment(rgb);
    rgb.dispose();
    expect(model.metadata.input).toEqual([480, 320]);
    expect([map.height, map.width]).toEqual([120, 80]);
    expect(map.probs).toHaveLength(120 * 80 * model.metadata.classes.length);
    expect(map.probs[0] + map.probs.subarray(1, model.metadata.classes.length).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    model.dispose();
    // The error breakdown reads the same checkpoint, views and thresholds, and finds the same macro figures on the
    // stored weights (detector.py's final figures are theirs).
    const { stdout } = await run(PYTHON, [join(here, 'detector_errors.py'), '--data', join(dir, 'ccp'), '--ckpt', join(dir, 'cache', 'detector', 'detector-seed1.pt'), '--stored'], { env, cwd: here });
    expect(stdout).toContain(`macro recall ${metrics.val.macro.recall.toFixed(4)} precision ${metrics.val.macro.precision.toFixed(4)}`);
    for (const c of ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag']) expect(stdout).toMatch(new RegExp(`^${c} +\\d+ +\\d+`, 'm'));
    // How the model labels each CCP label's cells (its own category's class, then the most likely ones).
    expect(stdout).toMatch(/^CCP label +category +photos +own class/m);
  }, 300_000);

  it('averages detectors of two seeds into one exported model that the app module runs as torch does', async () => {
    const det = join(dir, 'cache', 'detector');
    // Seed 2 also trains blocks 3-5 (--frozen 3, from stride-4 features): the pair shares only the stem and blocks 0-2.
    // It learns from half the pixel-annotated train photos (--train-share, the learning curve's option).
    const seed2 = await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), '--epochs', '1', '--views', '2', '--threads', '1', '--seed', '2', '--lr', '0.01', '--frozen', '3', '--no-export', '--train-share', '0.5'], { env, cwd: here, maxBuffer: 16 << 20 });
    expect(seed2.stdout).toMatch(/pixel-annotated train photos: (\d+) of (\d+) train, thresholds tuned on photos 0\.\.\d+/);
    const [, used, all] = seed2.stdout.match(/photos: (\d+) of (\d+) train/)!;
    expect(Number(used)).toBe(Math.round(Number(all) / 2));
    expect(existsSync(join(det, 'views-train-v2-s2-320x480-k3.npz'))).toBe(true);
    const members = [join(det, 'detector-seed1.pt'), join(det, 'detector-seed2.pt')];
    const pair = ['--views', '2', '--threads', '1', '--frozen', '3'];
    await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...pair, '--ensemble', members.join(','), '--tag=-pair'], { env, cwd: here, maxBuffer: 16 << 20 });
    const metrics = JSON.parse(await readFile(join(det, 'metrics-pair.json'), 'utf8'));
    expect(metrics.history).toHaveLength(0); // nothing trained: the members are averaged as they are
    const card = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model-card.json'), 'utf8'));
    expect(card.training).toMatchObject({ seeds: [1, 2], frozen: 3, members_frozen: [6, 3] });
    expect(card.base).toContain('stem and blocks 0-2 frozen');
    expect(card.metrics.recall_macro6).toBe(metrics.val.macro.recall);
    const json = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    expect(json.userDefinedMetadata).toMatchObject({ stride: 4, output: 'logits4', post: metrics.post });
    const names: string[] = json.modelTopology.node.map((n: { name: string }) => n.name);
    expect(names.filter((n) => n === 'mobilenet/block_2_add')).toHaveLength(1); // the trunk both left frozen, once
    expect(names).not.toContain('mobilenet/block_5_add');
    expect(names).toEqual(expect.arrayContaining(['mobilenet/m0/block_5_add', 'mobilenet/m1/block_3_expand', 'mobilenet/m1/dec_logits']));
    await expectStride4Map();
    // The exported graph (its stored weights, tfjs WASM, the app's module) against the torch ensemble with the
    // same rounded weights on the same pixels (seed 2 at 10x the rate, so that the members' blocks 3-12 differ
    // and a graph mixing them up would show).
    await expectAsTorch(join(det, 'detector-ensemble-pair.pt'));
    // The exported members read back (import_detector.py: how a new member joins shipped ones whose checkpoints
    // are gone) store the same weights again, and averaged again they get the same thresholds and val figures:
    // detector.py tunes on the weights as stored, not on the float32 checkpoints.
    const exported = join(dir, 'models', 'garment-detector');
    const imported = await run(PYTHON, [join(here, 'import_detector.py'), '--model', exported, '--tag=-imported', '--check'], { env, cwd: here });
    expect(imported.stdout).toContain('the same weights as stored');
    const back = [1, 2].map((s) => join(det, `detector-seed${s}-imported.pt`));
    await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...pair, '--ensemble', back.join(','), '--tag=-again', '--no-export'], { env, cwd: here, maxBuffer: 16 << 20 });
    const again = JSON.parse(await readFile(join(det, 'metrics-again.json'), 'utf8'));
    expect(again.post).toEqual(metrics.post);
    expect(again.val).toEqual(metrics.val);
  }, 300_000);

  it('exports a stride-4 correction (--fine4) that the app module adds to the upsampled logits as torch does', async () => {
    const det = join(dir, 'cache', 'detector');
    const f4 = ['--views', '2', '--threads', '1', '--frozen', '3', '--fine4', '8'];
    // Two members (seed 2 reuses the views of the test above), at 10x the rate so that their corrections are far from zero.
    for (const seed of ['2', '3']) {
      await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...f4, '--epochs', '1', '--lr', '0.01', '--seed', seed, '--tag=-f4', '--no-export'], { env, cwd: here, maxBuffer: 16 << 20 });
    }
    const members = ['2', '3'].map((s) => join(det, `detector-seed${s}-f4.pt`));
    await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...f4, '--ensemble', members.join(','), '--tag=-f4pair'], { env, cwd: here, maxBuffer: 16 << 20 });
    const card = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model-card.json'), 'utf8'));
    expect(card.training).toMatchObject({ seeds: [2, 3], fine4: 8 });
    expect(Object.keys(card.outputs)).toEqual(['logits4']);
    expect(card.use).toContain('plus a stride-4 correction');
    const json = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model.json'), 'utf8'));
    const names: string[] = json.modelTopology.node.map((n: { name: string }) => n.name);
    expect(names).toEqual(expect.arrayContaining(['mobilenet/m1/dec_lat4', 'mobilenet/m1/dec_logits4_sum']));
    await expectStride4Map();
    // The whole graph against torch on the same pixels, and the members read back store the same weights.
    await expectAsTorch(join(det, 'detector-ensemble-f4pair.pt'));
    const imported = await run(PYTHON, [join(here, 'import_detector.py'), '--model', join(dir, 'models', 'garment-detector'), '--tag=-f4back', '--check'], { env, cwd: here });
    expect(imported.stdout).toContain('the same weights as stored');
  }, 300_000);

  it("trains detectors on CenterNet's trunk (--trunk centernet), averages two into one graph model that the app module runs as torch does", async () => {
    const det = join(dir, 'cache', 'detector');
    const cn = ['--views', '2', '--threads', '1', '--trunk', 'centernet'];
    // Two members at 10x the rate, so that their fine-tuned blocks differ and a graph mixing them up would show.
    for (const seed of ['2', '3']) {
      await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...cn, '--epochs', '1', '--lr', '0.01', '--seed', seed, '--tag=-cn', '--no-export'], { env, cwd: here, maxBuffer: 16 << 20 });
    }
    expect(existsSync(join(det, 'views-train-v2-s2-320x480-cnk3.npz'))).toBe(true); // its own frozen features
    const members = ['2', '3'].map((s) => join(det, `detector-seed${s}-cn.pt`));
    await expect(run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), '--views', '2', '--threads', '1', '--ensemble', members.join(','), '--tag=-mixed'], { env, cwd: here }))
      .rejects.toThrow(/trunk centernet, not --trunk mobilenetv2/);
    await run(PYTHON, [join(here, 'detector.py'), '--data', join(dir, 'ccp'), ...cn, '--ensemble', members.join(','), '--tag=-cnpair'], { env, cwd: here, maxBuffer: 16 << 20 });
    const metrics = JSON.parse(await readFile(join(det, 'metrics-cnpair.json'), 'utf8'));
    const card = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model-card.json'), 'utf8'));
    expect(card.training).toMatchObject({ seeds: [2, 3], trunk: 'centernet', frozen: 3 });
    expect(card.format).toBe('graph');
    expect(card.base).toContain('CenterNet');
    expect(card.metrics.recall_macro6).toBe(metrics.val.macro.recall);
    const json = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    expect(json.userDefinedMetadata).toMatchObject({ stride: 4, output: 'logits4', input: [480, 320], post: metrics.post });
    const nodes: string[] = json.modelTopology.node.map((n: { name: string }) => n.name);
    expect(nodes.filter((n) => n === 'centernet/tower_0/MobilenetV3/expanded_conv_2/add')).toHaveLength(1); // the frozen part, once
    expect(nodes).toEqual(expect.arrayContaining(['centernet/m0/tower_0/CenternetHead/mul', 'centernet/m1/head/logits']));
    await expectStride4Map();
    await expectAsTorch(join(det, 'detector-ensemble-cnpair.pt'));
    // The two trunks averaged (detector_mix.py): the --fine4 pair above and CenterNet's seed 3, on the views of seed 3.
    const mix = await run(PYTHON, [join(here, 'detector_mix.py'), '--data', join(dir, 'ccp'), '--seed', '3', '--views', '2', '--threads', '1', '--tag', 'spec',
      '--mobilenet', join(det, 'detector-ensemble-f4pair.pt'), '--centernet', join(det, 'detector-seed3-cn.pt'), '--weights', '1,0.5', '--export', '0.5'],
    { env, cwd: here, maxBuffer: 16 << 20 });
    for (const w of ['1', '0.5']) expect(mix.stdout).toMatch(new RegExp(`^weight ${w}: val macro recall [01]\\.\\d{3} precision [01]\\.\\d{3}, pixel accuracy 0\\.\\d{4}; top `, 'm'));
    // --export: the half-and-half mix as one graph model, both trunks' nodes side by side, with the mix's own thresholds.
    const mixed = JSON.parse(await readFile(join(det, 'metrics-mix-spec.json'), 'utf8'));
    const mixCard = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model-card.json'), 'utf8'));
    expect(mixCard.training).toMatchObject({ trunk: 'mix', weight: 0.5, mobilenet: { seeds: [2, 3], fine4: 8 }, centernet: { trunk: 'centernet', seed: 3 } });
    expect(mixCard.metrics.precision_macro6).toBe(mixed.val.macro.precision);
    const mixJson = JSON.parse(await readFile(join(dir, 'models', 'garment-detector', 'model.json'), 'utf8'));
    expect(mixJson.userDefinedMetadata).toMatchObject({ stride: 4, output: 'logits4', post: mixed.post });
    const mixNodes: string[] = mixJson.modelTopology.node.map((n: { name: string }) => n.name);
    expect(mixNodes).toEqual(expect.arrayContaining(['mobilenet/block_2_add', 'mobilenet/m1/dec_logits4_sum', 'centernet/m0/head/logits']));
    expect(mixNodes).not.toContain('mobilenet/m1/block_2_add'); // MobileNetV2's frozen blocks once
    await expectStride4Map();
    await expectAsTorch(join(det, 'detector-mix-spec.pt'));
    // import_detector.py reads MobileNetV2 members back; a mix's (or CenterNet's) members are their checkpoints.
    await expect(run(PYTHON, [join(here, 'import_detector.py'), '--model', join(dir, 'models', 'garment-detector'), '--tag=-cnback'], { env, cwd: here }))
      .rejects.toThrow(/a mix detector; import_detector.py reads MobileNetV2 detectors/);
  }, 300_000);

  it('fine-tunes garment-net on clothing images and CCP cut-outs, exports it, and the app module classifies and embeds with it', async () => {
    await run(PYTHON, [join(here, 'train.py'), '--data', join(dir, 'clothing'), '--ccp', join(dir, 'ccp'), '--epochs', '1', '--views', '1', '--batch', '8', '--threads', '1'], { env, cwd: here, maxBuffer: 16 << 20 });
    const metrics = JSON.parse(await readFile(join(dir, 'cache', 'garments', 'metrics.json'), 'utf8'));
    expect(metrics.val.n).toBe(10);
    // The two val photos' t-shirt, jeans and shoes (CCP labels with a fine label), scored on their own.
    expect(metrics.val.ccp_val.n).toBe(6);
    const model = await garmentNet.load({ source: fileHandler(join(dir, 'models', 'garment-net', 'model.json')) });
    const crops = tf.zeros([2, 224, 224, 3]) as tf.Tensor4D;
    const { types, vectors } = await model.analyze(crops);
    crops.dispose();
    expect(types).toHaveLength(2);
    expect(garmentNet.GARMENT_NET.labels).toContain(types[0].label);
    expect(Math.hypot(...vectors[0])).toBeCloseTo(1, 4);
    model.dispose();
  }, 240_000);
});
