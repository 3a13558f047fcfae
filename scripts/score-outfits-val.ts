/**
 * The outfit scorers on CCP val through `score-outfits` itself: the val construction of the ablation (every val
 * outfit rebuilt from its garments' nearest colour-histogram look-alikes of other photos, 5 type-matched random
 * outfits per positive, fill-in-the-blank with 4 candidates; cli/train-outfits.ts, seed 7 unless --seed) written as
 * score-outfits input, scored by the CLI's own code, then AUC and FITB from its scores. Reproduces the ablation
 * table's figures from the other side: with the photos' annotated masks (mask crops) and with --no-masks (box crops).
 *
 *   npx tsx scripts/score-outfits-val.ts --data ../shared/data/ccp [--model student|teacher] [--no-masks] [--seed 7]
 *
 * Needs the outfit feature cache (.cache/outfit-features, built on first use, ~12 min). Writes the outfits and the
 * scores to --out DIR (default a temporary folder). Also prints a bootstrap interval over the val outfits (bootstrapEval)
 * and FITB by the category of the garment left out.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { featureCache, poolOf } from '../cli/outfit-features';
import { scoreOutfits } from '../cli/score-outfits';
import { ROOT } from '../cli/train-paths';
import { auc, bootstrapEval, buildEval, nearestLookalikes } from '../workers/models/outfit-scorer/train';
import { nodeBackend } from '../workers/node/runtime';

const { values } = parseArgs({
  options: { data: { type: 'string' }, model: { type: 'string' }, 'no-masks': { type: 'boolean' }, seed: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
if (!values.data) throw new Error('usage: npx tsx scripts/score-outfits-val.ts --data DIR [--model student|teacher] [--no-masks] [--seed N] [--out DIR]');
const model = values.model ?? 'student';
const seed = Number(values.seed ?? 7);
const log = (s: string) => process.stderr.write(`${s}\n`);
await nodeBackend('wasm');
const cache = await featureCache(values.data, join(ROOT, '.cache/outfit-features'), log);
const items = cache.items.filter((it) => it.split === 'val'); // poolOf's garments, in its order
const val = poolOf(cache, 'val');
const set = buildEval(val, nearestLookalikes(val, 10, 0, 0, val.colour), seed + 1000);
const asItems = (outfit: number[]) => outfit.map((g) => ({ photo: items[g].photo, box: items[g].box, category: items[g].category }));
const outfits = [
  ...set.positives.map((o, i) => ({ id: `p${i}`, items: asItems(o) })),
  ...set.negatives.map((o, i) => ({ id: `n${i}`, items: asItems(o) })),
  ...set.fitb.flatMap((q, i) => q.candidates.map((c, j) => ({ id: `f${i}.${j}`, items: asItems([...q.context, c]) }))),
];
const dir = values.out ?? (await mkdtemp(join(tmpdir(), 'mirror-score-val-')));
await writeFile(join(dir, 'outfits.json'), JSON.stringify({ outfits }));
await scoreOutfits({ data: values.data, outfits: join(dir, 'outfits.json'), model, out: join(dir, 'scores.json'), masks: !values['no-masks'] }, log);
const { scores } = JSON.parse(await readFile(join(dir, 'scores.json'), 'utf8')) as { scores: Record<string, number> };
const fitbRight = set.fitb.map((q, i) => {
  const s = q.candidates.map((_, j) => scores[`f${i}.${j}`]);
  return s.indexOf(Math.max(...s)) === q.answer;
});
const right = fitbRight.filter(Boolean).length;
const [pos, neg] = [set.positives.map((_, i) => scores[`p${i}`]), set.negatives.map((_, i) => scores[`n${i}`])];
const b = bootstrapEval(set, pos, neg, fitbRight);
const r = (v: [number, number]) => `${v[0].toFixed(3)}-${v[1].toFixed(3)}`;
process.stdout.write(`${model}${values['no-masks'] ? ', --no-masks' : ''}, seed ${seed}: ${set.positives.length} positives, ${set.negatives.length} negatives, ${set.fitb.length} FITB questions: AUC ${auc(pos, neg).toFixed(3)}, FITB ${(right / set.fitb.length).toFixed(3)} (${dir})\n`
  + `how much rests on the outfits drawn: the middle 95% of ${b.draws} bootstrap draws of ${set.positives.length} positives (each with its negatives and questions), AUC ${r(b.auc)}, FITB ${r(b.fitb)}; AUC >= 0.70 and FITB >= 0.40 in ${(100 * b.bothAtTarget).toFixed(1)}% of the draws\n`);
// FITB by the category of the garment left out: which questions the scorer gets wrong.
const byCategory = new Map<string, [number, number]>();
set.fitb.forEach((q, i) => {
  const c = items[q.candidates[q.answer]].category;
  const [hits, asked] = byCategory.get(c) ?? [0, 0];
  byCategory.set(c, [hits + (fitbRight[i] ? 1 : 0), asked + 1]);
});
process.stdout.write(`FITB by the category left out: ${[...byCategory].sort(([a], [b]) => a.localeCompare(b)).map(([c, [hits, asked]]) => `${c} ${(hits / asked).toFixed(2)} (${asked})`).join(', ')}\n`);
