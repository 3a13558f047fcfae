/**
 * Similar looks by the look vectors alone and with the garments' colours: what the 10 nearest looks share with the
 * look asked about. Not a test: a measurement for docs/garment-models.md ("Look vectors").
 *
 *   npx tsx scripts/similar-looks.ts --data ../shared/data/ccp --split val [--weights 0.3,0.7,1] [--count N]
 *
 * Every photo of the split is analysed by the app's pipeline; each look's 10 nearest among the others are ranked
 * by the look vectors' cosine, and by colourScore(cosine, lookColourAffinity(their garments), w) (common/colour-
 * similarity.ts: (cosine + w^2 affinity) / (1 + w^2)) for each colour weight w given (--count: the first N photos). Printed for each ranking, averaged over the looks: the garment tags of the photos'
 * annotations shared with a neighbour (CCP labels such as "jeans" or "blazer", the measure of eval_looks.py), the
 * categories they map to, the share of the look's garments whose main colour name a garment of the same category in
 * the neighbour has (the detector's garments), and the garment-matched colour affinity.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { colourScore, LOOK_COLOUR_WEIGHT, lookColourAffinity } from '../common/colour-similarity';
import type { DetectedGarment } from '../common/types';
import { ccpPhotoPath, readCcp } from '../cli/datasets';
import { readImage } from '../cli/image';
import { createAnalyzer } from '../workers/pipeline';
import { nodeBackend, nodeModels } from '../workers/node/runtime';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/ccp' },
    split: { type: 'string', default: 'val' },
    weights: { type: 'string', default: String(LOOK_COLOUR_WEIGHT) },
    count: { type: 'string' },
  },
});
const K = 10;

const categories = JSON.parse(await readFile(join(dirname(values.data!.replace(/\/+$/, '')), 'categories.json'), 'utf8')) as { ccp: Record<string, string[]> };
const categoryOf = new Map<string, string>();
for (const [c, labels] of Object.entries(categories.ccp)) if (!['ignored', 'not_garment'].includes(c)) for (const l of labels) categoryOf.set(l, c);

await nodeBackend('wasm');
const analyzer = createAnalyzer(await nodeModels());
const ann = await readCcp(values.data!);
const looks: { tags: Set<string>; cats: Set<string>; vector: Float32Array; garments: DetectedGarment[] }[] = [];
const chosen = ann.photos.filter((x) => x.split === values.split).sort((a, b) => a.id.localeCompare(b.id));
for (const p of chosen.slice(0, values.count ? Number(values.count) : chosen.length)) {
  const a = await analyzer.analyze(await readImage(ccpPhotoPath(values.data!, p.id)));
  const tags = new Set((p.tags ?? []).filter((t) => categoryOf.has(t)));
  looks.push({ tags, cats: new Set([...tags].map((t) => categoryOf.get(t)!)), vector: a.lookEmbedding, garments: a.garments });
}

let seed = 7;
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const mainColourShared = (a: DetectedGarment[], b: DetectedGarment[]) => {
  const named = a.filter((g) => g.colours.length > 0);
  if (named.length === 0) return 0;
  return named.filter((g) => b.some((h) => h.category === g.category && h.colours.some((c) => c.name === g.colours[0].name))).length / named.length;
};
const rankings: Record<string, (i: number, j: number) => number> = { 'look vectors alone': (i, j) => dot(looks[i].vector, looks[j].vector) };
for (const w of values.weights!.split(',').map(Number)) {
  const mark = w === LOOK_COLOUR_WEIGHT ? ' (shipped)' : '';
  rankings[`with the garments' colours, w = ${w}${mark}`] = (i, j) => colourScore(dot(looks[i].vector, looks[j].vector), lookColourAffinity(looks[i].garments, looks[j].garments), w);
}
rankings['random looks (seeded)'] = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
console.log(`${looks.length} looks of ${values.split}, ${K} neighbours each`);
console.log('| ranking | garment tags shared | categories shared | main colours matched | colour affinity, garment by garment |\n|---|---|---|---|---|');
for (const [name, score] of Object.entries(rankings)) {
  let tags = 0;
  let cats = 0;
  let colours = 0;
  let affinity = 0;
  for (let i = 0; i < looks.length; i++) {
    const nn = looks.map((_, j) => j).filter((j) => j !== i).map((j) => [j, score(i, j)] as const).sort((a, b) => b[1] - a[1]).slice(0, K).map(([j]) => j);
    for (const j of nn) {
      tags += [...looks[i].tags].filter((t) => looks[j].tags.has(t)).length / K;
      cats += [...looks[i].cats].filter((c) => looks[j].cats.has(c)).length / K;
      colours += mainColourShared(looks[i].garments, looks[j].garments) / K;
      affinity += (lookColourAffinity(looks[i].garments, looks[j].garments) ?? 0) / K;
    }
  }
  const n = looks.length;
  console.log(`| ${name} | ${(tags / n).toFixed(3)} | ${(cats / n).toFixed(3)} | ${(colours / n).toFixed(3)} | ${(affinity / n).toFixed(3)} |`);
}
