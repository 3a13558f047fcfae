/**
 * Learning curve of the outfit student (docs/outfits.md "Unfinished"): three-member students alone (no teacher, so
 * each takes seconds), 1,000 steps as `npm run train -- student`, trained on a random share of the CCP train photos
 * (look-alikes and negatives from those photos only) with the garment-net embedding input scaled by G (1 = shipped,
 * 0 = left out), scored on the val construction of each seed (headline: colour-histogram look-alikes, mask crops).
 *
 *   [DATA=../shared/data/ccp] npx tsx scripts/outfit-learning-curve.ts [SHARES=0.25,0.5,0.75,1] [G=1,0] [SEEDS=7,8,9]
 *
 * Needs the outfit feature cache (.cache/outfit-features, built by `npm run train` on first use). About 12 minutes.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { featureCache, poolOf } from '../cli/outfit-features';
import { ROOT } from '../cli/train-paths';
import { chooseBackend } from '../workers/backend';
import { nodeWasmDir } from '../workers/node/fs-models';
import { STUDENT_CONFIG, rng } from '../workers/models/outfit-scorer';
import { buildEval, evaluate, nearestLookalikes, poolScorer, trainScorer, TRAIN_DEFAULTS } from '../workers/models/outfit-scorer/train';
const log = (s: string) => process.stderr.write(s + '\n');
await chooseBackend('wasm', { wasmPaths: nodeWasmDir() });
const cache = await featureCache(process.env.DATA ?? '../shared/data/ccp', join(ROOT, '.cache/outfit-features'), log);
const val = poolOf(cache, 'val');
const photos = [...new Set(cache.items.filter((it) => it.split === 'train').map((it) => it.photo))];
const shares = (process.argv[2] ?? '0.25,0.5,0.75,1').split(',').map(Number);
const gs = (process.argv[3] ?? '1,0').split(',').map(Number);
const seeds = (process.argv[4] ?? '7,8,9').split(',').map(Number);
for (const share of shares) for (const g of gs) {
  const res: string[] = [];
  let sa = 0;
  let sf = 0;
  for (const seed of seeds) {
    const r = rng(seed * 31 + Math.round(share * 100));
    const keep = new Set(photos.filter(() => r() < share));
    const sub = { ...cache, items: cache.items.map((it) => (it.split === 'train' && !keep.has(it.photo) ? { ...it, split: 'dropped' } : it)) };
    const train = poolOf(sub, 'train');
    const look = nearestLookalikes(train, 5, 0, 0, train.colour);
    const members: Record<string, tf.Tensor>[] = [];
    for (const m of [0, 1, 2]) members.push((await trainScorer(STUDENT_CONFIG, train, look, { ...TRAIN_DEFAULTS, steps: 1000, lr: 2e-3, seed: seed + 100 * m, embeddingScale: g })).weights);
    const e = await evaluate(poolScorer({ ...STUDENT_CONFIG, members: 3 }, members, val, 0), buildEval(val, nearestLookalikes(val, 10, 0, 0, val.colour), seed + 1000));
    members.forEach((w) => tf.dispose(Object.values(w)));
    res.push(`${e.auc.toFixed(3)} / ${e.fitb.toFixed(3)}`); sa += e.auc; sf += e.fitb;
    log(`share ${share} G ${g} seed ${seed} (${train.outfits.length} outfits): ${e.auc.toFixed(3)} / ${e.fitb.toFixed(3)}`);
  }
  console.log(`share ${share}, G ${g}: mean ${(sa / seeds.length).toFixed(3)} / ${(sf / seeds.length).toFixed(3)} (${res.join(', ')})`);
}
