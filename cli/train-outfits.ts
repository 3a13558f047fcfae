/**
 * Trains the outfit scorers on CCP (Node, tfjs WASM backend, fixed seeds).
 *
 *   npm run train -- outfits --data ../shared/data/ccp   teacher, the four students (ablation), table in
 *                                                        docs/outfits.md, student shipped
 *   npm run train -- teacher --data ../shared/data/ccp   teacher only (public/models/trained/outfit-teacher/,
 *                                                        committed, not downloaded by the app)
 *   npm run train -- student --data ../shared/data/ccp   student with FND + CL from the saved teacher
 * options: --cache DIR (default .cache: the feature cache; with --cache the teacher too is DIR/outfit-scorer/teacher/), --steps N (student steps), --teacher-steps N, --seed N,
 *          --alpha A (FND weight, 0.2), --fnd-margin=M (0: a negative is a false one when the teacher scores it above the positive), --cl-weight W (0.2),
 *          --substitute P (look-alike substitution probability, 0.8), --lookalikes K (a training garment's K nearest look-alikes
 *          stand in for it, 5),
 *          --negatives N (sampled negatives per positive, 7), --swap-negatives P (share of negatives that are the positive with one garment swapped, 0.5), --train-crops mask|box|both (both),
 *          --teacher-lr R (5e-4), --teacher-members N (teachers trained with seeds seed, seed + 1, ... and averaged: 3), --student-dim N (24), --train-lookalikes colour|mobilenet|garment-net, comma-separated (colour),
 *          --lookalike-colour W (colour weight of garment-net look-alikes, 2), --models DIR (default public/models), --no-doc (do not rewrite
 *          docs/outfits.md); experiments: --variants alone,+FND,+CL,+FND+CL (which students to train),
 *          --no-save (do not ship the student), --members N (every student is N members trained apart with seeds seed,
 *          seed + 100, ..., their logits averaged: 3; each member's val figures are logged), --no-colour (garments without colour; never shipped),
 *          --no-lightness (the colour's L constant; never shipped), --no-palette / --no-histogram (the palette
 *          shares / the colour histogram set to 0; never shipped), --embedding-scale G (the standardised garment-net
 *          embedding part of the input times G, 1 by default, 0 = left out; stored in the model's fixed in_scale, so
 *          the teacher it trains and the students keep it; a saved teacher keeps its own: docs/outfits.md)
 *
 * Train on CCP `train` (pixel photos), evaluate on `val`, both built across photos (see
 * workers/models/outfit-scorer/train.ts). Progress goes to stderr; the table to stdout.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadWeights, memberCount, OUTFIT, parameterCount, save, scoreMembers, garmentTensors, STUDENT_CONFIG, TEACHER_CONFIG, type ScorerConfig } from '../workers/models/outfit-scorer';
import { buildEval, evaluate, nearestLookalikes, poolScorer, trainScorer, TRAIN_DEFAULTS, type Pool, type Teacher, type TrainOptions } from '../workers/models/outfit-scorer/train';
import { fileHandler } from '../workers/node/fs-models';
import { chooseBackend } from '../workers/backend';
import { nodeWasmDir } from '../workers/node/fs-models';
import { featureCache, poolOf } from './outfit-features';
import { PALETTE } from '../common/colour-names';
import { HISTOGRAM_SIZE } from '../workers/pipeline/colours';
import { ROOT, STUDENT_DIR, teacherDir } from './train-paths';

const DOC = join(ROOT, 'docs/outfits.md');

const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * Crop kinds (rows of a pool garment): 0 = "mask" crop (the garment's own pixels: what the app embeds,
 * the crop of every headline figure), 1 = "box" crop (person pixels of the box: score-outfits' crop).
 */
const MASK = 0;
const BOX = 1;

/** The crop kinds training draws from, by --train-crops. */
const TRAIN_CROPS: Record<string, number[] | undefined> = { mask: [MASK], box: [BOX], both: [MASK, BOX] };

/**
 * Weight of the colour distance in look-alikes (nearestLookalikes): garment-net's embedding is nearly
 * blind to colour (trained with colour jitter), so look-alikes by the embedding alone are "a garment of
 * the same type", of any colour. At 2 a Lab difference of about 30 costs as much as 0.4 of cosine.
 */
const LOOKALIKE_COLOUR = 2;

/**
 * Teachers trained apart (seeds seed, seed + 1, ...) whose logits are averaged: the teacher that judges FND's negatives
 * and that `score-outfits --model teacher` runs (--teacher-members). Three averaged rank val outfits better than one
 * (docs/outfits.md "The teacher").
 */
const TEACHER_MEMBERS = 3;

/**
 * Students trained apart (seeds seed, seed + 100, ...) whose logits are averaged: every student of the ablation and
 * the shipped one (--members). docs/outfits.md "The student: three members averaged".
 */
const STUDENT_MEMBERS = 3;

/** Measures whose look-alikes stand in for a training positive's garments (--train-lookalikes). */
const TRAIN_LOOKALIKES = 'colour';

/** Writes tfjs artifacts to `dir` (model.json + weights.bin). */
function dirSaver(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (a) => {
    await mkdir(dir, { recursive: true });
    const data = a.weightData as ArrayBuffer;
    await writeFile(join(dir, 'weights.bin'), Buffer.from(data));
    const json = { format: a.format, generatedBy: a.generatedBy, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    await writeFile(join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
  });
}

export interface Throughput {
  /** Outfits per second when every outfit brings its own 5 garment vectors (nothing shared). */
  coldPerSecond: number;
  /** Milliseconds to score 10,000 outfits of 5 garments drawn from a wardrobe (each garment encoded once). */
  wardrobe10kMs: number;
}

/** Median of 3 timed runs after a warm-up, on `pool`'s mask-crop vectors (every member of a teacher). */
async function throughput(config: ScorerConfig, members: Record<string, tf.Tensor>[], pool: Pool): Promise<Throughput> {
  const garments = pool.garments.map((g) => ({ vector: pool.vectors.subarray(g.rows[MASK] * pool.dim, (g.rows[MASK] + 1) * pool.dim), category: g.category }));
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const outfitsOf = (n: number, m: number) => Array.from({ length: n }, () => Array.from({ length: 5 }, () => Math.floor(rand() * m)));
  const run = async (gs: typeof garments, outfits: number[][]) => {
    const t0 = performance.now();
    const s = tf.tidy(() => {
      const { items, cats } = garmentTensors(gs, config.inputDim);
      return scoreMembers(config, members, items, cats, outfits);
    });
    await s.data();
    s.dispose();
    return performance.now() - t0;
  };
  const median = async (gs: typeof garments, outfits: number[][]) => {
    await run(gs, outfits);
    const t = [await run(gs, outfits), await run(gs, outfits), await run(gs, outfits)].sort((a, b) => a - b);
    return t[1];
  };
  const coldN = 1000;
  const cold = Array.from({ length: coldN * 5 }, (_, i) => garments[i % garments.length]);
  const coldMs = await median(cold, Array.from({ length: coldN }, (_, i) => [0, 1, 2, 3, 4].map((j) => i * 5 + j)));
  const wardrobeMs = await median(garments, outfitsOf(10_000, garments.length));
  return { coldPerSecond: (coldN / coldMs) * 1000, wardrobe10kMs: wardrobeMs };
}

interface Row {
  name: string;
  auc: number;
  fitb: number;
  /** The same val outfits with box crops (score-outfits). */
  box: { auc: number; fitb: number };
  /** Val outfits whose look-alikes are found by the MobileNetV2 yardstick (mask crops). */
  yardstick: { auc: number; fitb: number };
  /** Val outfits whose look-alikes are found by garment-net + colour (mask crops). */
  own: { auc: number; fitb: number };
  params: number;
  bytes: number;
  speed: Throughput;
  flagged?: number;
  curve: number[];
}

/** The teacher's model card: trained by Mirror, committed, never downloaded by the app (`app: false`). */
function teacherCard(command: string, config: ScorerConfig, train: Pool, val: Pool, r: Row) {
  const pair = (m: { auc: number; fitb: number }) => ({ auc: Number(m.auc.toFixed(4)), fitb: Number(m.fitb.toFixed(4)) });
  return {
    name: 'outfit-teacher',
    use: `outfit compatibility teacher (Set Transformer-like${memberCount(config) > 1 ? `, ${memberCount(config)} members trained apart, their logits averaged` : ''}): judges the sampled negatives for False Negative Distillation when the student is trained, and \`score-outfits --model teacher\`; not downloaded by the app`,
    app: false,
    format: 'mirror-outfit-scorer',
    version: '3',
    source: `trained by Mirror: ${command}`,
    license: 'MIT (weights trained by this project)',
    training_data: `Clothing Co-Parsing (Yang et al., CVPR 2014) train split: ${train.outfits.length} pixel-annotated outfit photos, ${train.garments.length} garments; positives rebuilt across photos with same-category look-alikes`,
    date: new Date().toISOString().slice(0, 10),
    metrics: {
      split: `CCP val (${val.outfits.length} photos), outfits built across photos (look-alikes by colour histogram), mask crops`,
      ...pair(r), parameters: r.params,
      box_crops: pair(r.box), mobilenet_lookalikes: pair(r.yardstick), garment_net_lookalikes: pair(r.own),
    },
  };
}

function table(rows: Row[]): string {
  const lines = [
    '| model | val AUC | val FITB | AUC / FITB, box crops | AUC / FITB, MobileNetV2 look-alikes | AUC / FITB, garment-net look-alikes | parameters | bytes (float32) | outfits/s (own garments) | 10k outfits from a wardrobe (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.auc.toFixed(3)} | ${r.fitb.toFixed(3)} | ${r.box.auc.toFixed(3)} / ${r.box.fitb.toFixed(3)} | ${r.yardstick.auc.toFixed(3)} / ${r.yardstick.fitb.toFixed(3)} | ${r.own.auc.toFixed(3)} / ${r.own.fitb.toFixed(3)} | ${r.params.toLocaleString('en')} | ${r.bytes.toLocaleString('en')} | ${Math.round(r.speed.coldPerSecond).toLocaleString('en')} | ${r.speed.wardrobe10kMs.toFixed(0)} |`),
  ];
  return lines.join('\n');
}

async function writeDoc(text: string): Promise<void> {
  const start = '<!-- ablation:start -->';
  const end = '<!-- ablation:end -->';
  const doc = existsSync(DOC) ? await readFile(DOC, 'utf8') : `# Outfit scorer\n\n${start}\n${end}\n`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${start} ... ${end} section`);
  await writeFile(DOC, `${doc.slice(0, a + start.length)}\n${text}\n${doc.slice(b)}`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' }, cache: { type: 'string' }, steps: { type: 'string' }, 'teacher-steps': { type: 'string' },
      seed: { type: 'string' }, models: { type: 'string' }, 'no-doc': { type: 'boolean' },
      alpha: { type: 'string' }, 'fnd-margin': { type: 'string' }, 'cl-weight': { type: 'string' },
      substitute: { type: 'string' }, 'student-dim': { type: 'string' }, 'train-crops': { type: 'string' }, 'no-colour': { type: 'boolean' },
      'no-save': { type: 'boolean' }, variants: { type: 'string' }, 'lookalike-colour': { type: 'string' }, 'train-lookalikes': { type: 'string' }, 'teacher-lr': { type: 'string' }, 'no-lightness': { type: 'boolean' }, 'no-palette': { type: 'boolean' }, 'no-histogram': { type: 'boolean' }, 'swap-negatives': { type: 'string' }, lookalikes: { type: 'string' }, negatives: { type: 'string' }, members: { type: 'string' }, 'embedding-scale': { type: 'string' }, 'teacher-members': { type: 'string' },
    },
    strict: true,
  });
  if (!['outfits', 'teacher', 'student'].includes(command ?? '')) throw new Error(`usage: npm run train -- outfits|teacher|student --data DIR [--cache DIR] [--steps N] [--teacher-steps N] [--seed N]`);
  if (!values.data) throw new Error('missing --data DIR (the CCP folder)');
  const crops = TRAIN_CROPS[values['train-crops'] ?? 'both'];
  if (!crops) throw new Error(`--train-crops takes ${Object.keys(TRAIN_CROPS).join(', ')}, got ${values['train-crops']}`);
  // The exact command, for the table and the model card.
  const commandLine = `npm run train -- ${argv.join(' ')}`;
  const cacheRoot = resolve(values.cache ?? join(ROOT, '.cache'));
  const seed = Number(values.seed ?? 7);
  // Not workers/node/runtime's nodeBackend: that module pulls in the whole vision pipeline.
  const info = await chooseBackend('wasm', { wasmPaths: nodeWasmDir() });
  log(`backend: ${info.reason}`);
  const cache = await featureCache(values.data, join(cacheRoot, 'outfit-features'), log, values.models);
  const train = poolOf(cache, 'train', !values['no-colour']);
  const val = poolOf(cache, 'val', !values['no-colour']);
  // Experiment: the colour's lightness (L, which carries the photo's exposure) replaced by a constant.
  if (values['no-lightness']) for (const p of [train, val]) for (let r = 0; r < p.vectors.length / p.dim; r++) p.vectors[r * p.dim + OUTFIT.embeddingDim] = 0.5;
  log(`train: ${train.outfits.length} outfits, ${train.garments.length} garments; val: ${val.outfits.length} outfits, ${val.garments.length} garments`);
  // Look-alikes by the "mask" crop (the garment itself, without any background).
  // Training look-alikes: a comma-separated list of measures, each garment's look-alikes the union of theirs.
  const lookBy = values['train-lookalikes'] ?? TRAIN_LOOKALIKES;
  const colourW = Number(values['lookalike-colour'] ?? LOOKALIKE_COLOUR);
  const k = Number(values.lookalikes ?? TRAIN_DEFAULTS.lookalikes);
  if (!Number.isInteger(k) || k < 1) throw new Error(`--lookalikes takes a whole number >= 1, got ${values.lookalikes}`);
  const measures: Record<string, () => number[][]> = {
    mobilenet: () => nearestLookalikes(train, k, MASK, 0, train.yardstick),
    'garment-net': () => nearestLookalikes(train, k, MASK, colourW),
    colour: () => nearestLookalikes(train, k, MASK, 0, train.colour),
  };
  const chosen = lookBy.split(',');
  const unknown = chosen.filter((m) => !measures[m]);
  if (unknown.length) throw new Error(`--train-lookalikes takes ${Object.keys(measures).join(', ')} (comma-separated), got ${unknown.join(', ')}`);
  const lists = chosen.map((m) => measures[m]());
  const trainLook = train.garments.map((_, g) => [...new Set(lists.flatMap((l) => l[g]))]);
  // Val look-alikes: fixed, whatever the training uses (one val set for every model), by three measures
  // (docs/outfits.md): the colour histograms (the headline: the construction under which the issue's
  // colour-histogram baseline has the figures the issue gives), the MobileNetV2 yardstick, garment-net +
  // colour (the scorers' own input space).
  const evalSet = buildEval(val, nearestLookalikes(val, 10, MASK, 0, val.colour), seed + 1000);
  const evalYardstick = buildEval(val, nearestLookalikes(val, 10, MASK, 0, val.yardstick), seed + 1000);
  const evalOwn = buildEval(val, nearestLookalikes(val, 10, MASK, LOOKALIKE_COLOUR), seed + 1000);
  // Experiments (after the look-alikes are found, so that every run is evaluated on the same outfits):
  // the palette shares or the colour histogram left out of the model input (set to 0).
  const zero = (from: number, to: number) => { for (const p of [train, val]) for (let r = 0; r < p.vectors.length / p.dim; r++) p.vectors.fill(0, r * p.dim + from, r * p.dim + to); };
  if (values['no-palette']) zero(OUTFIT.embeddingDim + 4, OUTFIT.embeddingDim + 4 + PALETTE.length);
  if (values['no-histogram']) zero(OUTFIT.inputDim - HISTOGRAM_SIZE, OUTFIT.inputDim);
  log(`val: ${evalSet.positives.length} positives, ${evalSet.negatives.length} negatives, ${evalSet.fitb.length} FITB questions`);

  const studentSteps = Number(values.steps ?? 400);
  const base: TrainOptions = {
    ...TRAIN_DEFAULTS, seed, log,
    alpha: Number(values.alpha ?? TRAIN_DEFAULTS.alpha),
    fndMargin: Number(values['fnd-margin'] ?? TRAIN_DEFAULTS.fndMargin),
    clWeight: Number(values['cl-weight'] ?? 0.2),
    substitute: Number(values.substitute ?? TRAIN_DEFAULTS.substitute),
    swapNegatives: Number(values['swap-negatives'] ?? TRAIN_DEFAULTS.swapNegatives),
    negatives: Number(values.negatives ?? TRAIN_DEFAULTS.negatives),
    crops,
  };
  const studentMembers = Number(values.members ?? STUDENT_MEMBERS);
  if (!Number.isInteger(studentMembers) || studentMembers < 1) throw new Error(`--members takes a whole number >= 1, got ${values.members}`);
  const single: ScorerConfig = values['student-dim'] ? { ...STUDENT_CONFIG, dim: Number(values['student-dim']), hidden: Number(values['student-dim']) } : STUDENT_CONFIG;
  // A student of n members (n > 1 is stored as config.members; one member's config is the plain one).
  const studentOf = (n: number): ScorerConfig => (n > 1 ? { ...single, members: n } : single);
  const studentConfig = studentOf(studentMembers);
  const embeddingScale = Number(values['embedding-scale'] ?? 1);
  if (!(embeddingScale >= 0 && Number.isFinite(embeddingScale))) throw new Error(`--embedding-scale takes a number >= 0, got ${values['embedding-scale']}`);
  const teacherOpts: TrainOptions = { ...base, steps: Number(values['teacher-steps'] ?? 400), lr: Number(values['teacher-lr'] ?? 5e-4), embeddingScale };
  const studentOpts: TrainOptions = { ...base, steps: studentSteps, lr: 2e-3, embeddingScale };
  const rows: Row[] = [];
  const measure = async (name: string, config: ScorerConfig, weights: Record<string, tf.Tensor>[], curve: number[], flagged?: number) => {
    const m = await evaluate(poolScorer(config, weights, val, MASK), evalSet);
    const box = await evaluate(poolScorer(config, weights, val, BOX), evalSet);
    const yardstick = await evaluate(poolScorer(config, weights, val, MASK), evalYardstick);
    const own = await evaluate(poolScorer(config, weights, val, MASK), evalOwn);
    const speed = await throughput(config, weights, val);
    const params = parameterCount(config);
    const row = { name, ...m, box, yardstick, own, params, bytes: params * 4, speed, flagged, curve };
    log(`${name}: AUC ${m.auc.toFixed(3)} FITB ${m.fitb.toFixed(3)} (box crops ${box.auc.toFixed(3)} / ${box.fitb.toFixed(3)}; MobileNetV2 look-alikes ${yardstick.auc.toFixed(3)} / ${yardstick.fitb.toFixed(3)}; garment-net look-alikes ${own.auc.toFixed(3)} / ${own.fitb.toFixed(3)}) params ${params} cold ${speed.coldPerSecond.toFixed(0)}/s 10k ${speed.wardrobe10kMs.toFixed(0)} ms${flagged !== undefined ? ` flagged ${(flagged * 100).toFixed(1)}%` : ''}`);
    rows.push(row);
    return row;
  };

  let teacher: Teacher;
  const tDir = teacherDir(values.cache);
  if (command === 'student') {
    if (!existsSync(join(tDir, 'model.json'))) throw new Error(`no teacher in ${tDir}: run "npm run train -- teacher --data DIR" first`);
    teacher = await loadWeights(fileHandler(join(tDir, 'model.json')));
    await measure('teacher', teacher.config, teacher.members, []);
  } else {
    const n = Number(values['teacher-members'] ?? TEACHER_MEMBERS);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--teacher-members takes a whole number >= 1, got ${values['teacher-members']}`);
    const config: ScorerConfig = n > 1 ? { ...TEACHER_CONFIG, members: n } : TEACHER_CONFIG;
    const members: Record<string, tf.Tensor>[] = [];
    const curves: number[][] = [];
    for (let k = 0; k < n; k++) {
      const t0 = performance.now();
      log(`teacher member ${k + 1} of ${n} (seed ${seed + k}): ${parameterCount(TEACHER_CONFIG)} parameters, ${teacherOpts.steps} steps`);
      const member = await trainScorer(TEACHER_CONFIG, train, trainLook, { ...teacherOpts, seed: seed + k });
      const e = await evaluate(poolScorer(TEACHER_CONFIG, member.weights, val, MASK), evalSet);
      log(`teacher member ${k + 1} trained in ${((performance.now() - t0) / 1000).toFixed(0)} s: val AUC ${e.auc.toFixed(3)} FITB ${e.fitb.toFixed(3)}`);
      members.push(member.weights);
      curves.push(member.curve);
    }
    teacher = { config, members };
    await save(config, members, dirSaver(tDir));
    const r = await measure('teacher', config, members, curves[0]);
    await writeFile(join(tDir, 'model-card.json'), `${JSON.stringify(teacherCard(commandLine, config, train, val, r), null, 2)}\n`);
    log(`teacher saved to ${tDir}`);
    if (command === 'teacher') return;
  }

  const all: { name: string; fnd: boolean; cl: boolean }[] = [
    { name: 'student alone', fnd: false, cl: false },
    { name: 'student + FND', fnd: true, cl: false },
    { name: 'student + CL', fnd: false, cl: true },
    { name: 'student + FND + CL', fnd: true, cl: true },
  ];
  // "student" trains only the shipped variant, "outfits" runs the whole ablation (unless --variants).
  const wanted = values.variants?.split(',');
  const variants = wanted ? all.filter((v) => wanted.includes(v.name.replace('student ', '').replace(/ /g, ''))) : command === 'student' ? all.slice(3) : all;
  let shipped: { weights: Record<string, tf.Tensor>[]; row: Row } | null = null;
  for (const v of variants) {
    const t1 = performance.now();
    log(`${v.name}: ${parameterCount(studentConfig)} parameters, ${studentOpts.steps} steps`);
    const opts = { ...studentOpts, clWeight: v.cl ? base.clWeight : 0 };
    const ws: Record<string, tf.Tensor>[] = [];
    let flagged = 0;
    let curve: number[] = [];
    for (let m = 0; m < studentMembers; m++) {
      const res = await trainScorer(studentOf(1), train, trainLook, { ...opts, seed: seed + 100 * m }, v.fnd ? teacher : undefined);
      ws.push(res.weights);
      flagged += (res.flagged ?? 0) / studentMembers;
      if (m === 0) curve = res.curve;
      if (studentMembers > 1) {
        const e = await evaluate(poolScorer(studentOf(1), res.weights, val, MASK), evalSet);
        const mean = m > 0 ? await evaluate(poolScorer(studentOf(m + 1), ws, val, MASK), evalSet) : e;
        log(`member ${m + 1} of ${studentMembers} (seed ${seed + 100 * m}): AUC ${e.auc.toFixed(3)} FITB ${e.fitb.toFixed(3)}${m > 0 ? `; members 1-${m + 1} averaged: AUC ${mean.auc.toFixed(3)} FITB ${mean.fitb.toFixed(3)}` : ''}`);
      }
    }
    log(`${v.name} trained in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
    const row = await measure(v.name, studentConfig, ws, curve, v.fnd ? flagged : undefined);
    if (v.fnd && v.cl) shipped = { weights: ws, row };
    else ws.forEach((w) => tf.dispose(Object.values(w)));
  }
  const text = `${table(rows)}\n\n` +
    `Command: \`${commandLine}\` ` +
    `(seed ${seed}; teacher ${command === 'student' ? `from ${relative(ROOT, tDir)}` : memberCount(teacher.config) > 1 ? `${memberCount(teacher.config)} members averaged, seeds ${seed}-${seed + memberCount(teacher.config) - 1}, ${teacherOpts.steps} steps each` : `${teacherOpts.steps} steps`}, students ${studentOpts.steps} steps of ${base.batch} positives + ${base.negatives} negatives each; ${info.reason}). ` +
    `Val: ${evalSet.positives.length} positives, ${evalSet.negatives.length} negatives, ${evalSet.fitb.length} FITB questions. ` +
    `FND flagged ${rows.filter((r) => r.flagged !== undefined).map((r) => `${(r.flagged! * 100).toFixed(1)}% (${r.name})`).join(', ')} of the sampled negatives.`;
  process.stdout.write(`${text}\n`);
  if (!values['no-doc']) await writeDoc(text);
  // A student trained without colours would get them from garmentInput in the app: never shipped.
  if (shipped && (values['no-colour'] || values['no-lightness'] || values['no-palette'] || values['no-histogram'] || values['no-save'])) log('the student is not saved (an experiment flag or --no-save)');
  else if (shipped) {
    const cmd = commandLine;
    await save(studentConfig, shipped.weights, dirSaver(STUDENT_DIR));
    const r = shipped.row;
    const card = {
      name: 'outfit-student',
      use: `outfit compatibility score (0..1) of 2..8 garments from garmentInput (garment-net 128-d embedding of the grey-background garment crop + its named colours + its colour histogram) and categories${studentMembers > 1 ? `; ${studentMembers} students trained apart (seeds ${Array.from({ length: studentMembers }, (_, m) => seed + 100 * m).join(', ')}), their logits averaged` : ''}`,
      input: { embedding: 'garment-net garment_embed, L2-normalised (public/models/trained/garment-net)', dim: OUTFIT.inputDim, colour_features: `from the garment's named dominant colours (workers/pipeline/colours.ts): Lab of their fraction-weighted mean (L/100, a/64, b/64, chroma/64), then the share of each of the ${PALETTE.length} palette names, then the square roots of the ${HISTOGRAM_SIZE} shares of its colour histogram (colourHistogram: 4 x 4 x 4 sRGB cells)` },
      format: 'mirror-outfit-scorer',
      version: '3',
      source: `trained by Mirror: ${cmd}`,
      license: 'MIT (weights trained by this project)',
      training_data: `Clothing Co-Parsing (Yang et al., CVPR 2014) train split: ${train.outfits.length} pixel-annotated outfit photos, ${train.garments.length} garments; positives rebuilt across photos with same-category look-alikes (${lookBy}); FND alpha ${base.alpha}, margin ${base.fndMargin}; CL weight ${base.clWeight}${embeddingScale !== 1 ? `; garment-net embedding input scaled by ${embeddingScale}` : ''}`,
      date: new Date().toISOString().slice(0, 10),
      metrics: {
        split: `CCP val (${val.outfits.length} photos), outfits built across photos (look-alikes by colour histogram), mask crops`,
        auc: Number(r.auc.toFixed(4)), fitb: Number(r.fitb.toFixed(4)), parameters: r.params,
        box_crops: { auc: Number(r.box.auc.toFixed(4)), fitb: Number(r.box.fitb.toFixed(4)) },
        mobilenet_lookalikes: { auc: Number(r.yardstick.auc.toFixed(4)), fitb: Number(r.yardstick.fitb.toFixed(4)) },
        garment_net_lookalikes: { auc: Number(r.own.auc.toFixed(4)), fitb: Number(r.own.fitb.toFixed(4)) },
        outfits_per_second_own_garments: Math.round(r.speed.coldPerSecond), ms_10k_outfits_wardrobe: Number(r.speed.wardrobe10kMs.toFixed(1)),
        teacher_auc: Number(rows[0].auc.toFixed(4)), teacher_fitb: Number(rows[0].fitb.toFixed(4)),
      },
    };
    await writeFile(join(STUDENT_DIR, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);
    log(`student saved to ${STUDENT_DIR}`);
    shipped.weights.forEach((w) => tf.dispose(Object.values(w)));
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
