/**
 * How often the app's first colour name of a garment is one a person gives it: the garments of
 * training/colours/ccp-colour-labels.json, their pixels taken from the CCP mask of their label (as the outfit feature
 * cache takes them), named by workers/pipeline/colours.ts.
 *
 *   npx tsx training/colours/score-names.ts --data ../shared/data/ccp [--set val|train] [--swatches-only] [--misses]
 *
 * `--swatches-only` names by the palette's swatches alone, as Mirror did before 2026-12-04.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readImage } from '../../cli/image';
import { dominantColours, samplePixels } from '../../workers/pipeline/colours';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    set: { type: 'string', default: 'val' },
    labels: { type: 'string', default: new URL('./ccp-colour-labels.json', import.meta.url).pathname },
    'swatches-only': { type: 'boolean', default: false },
    misses: { type: 'boolean', default: false },
  },
});
if (!values.data) throw new Error('--data DIR (the CCP folder) is required');
const sets: Record<string, { photo: string; label: string; names: string[] }[]> = JSON.parse(readFileSync(values.labels!, 'utf8')).sets;
const garments = sets[values.set!];
if (!garments) throw new Error(`no set "${values.set}" in ${values.labels} (sets: ${Object.keys(sets).join(', ')})`);
const annotations = JSON.parse(readFileSync(`${values.data}/annotations.json`, 'utf8'));
const photos = new Map<string, { items: { label: string; box: [number, number, number, number] }[] }>(
  annotations.photos.map((p: { id: string }) => [p.id, p]),
);

let right = 0;
for (const g of garments) {
  const item = photos.get(g.photo)?.items.find((i) => i.label === g.label);
  if (!item) throw new Error(`photo ${g.photo} has no "${g.label}" in ${values.data}/annotations.json`);
  const [image, mask] = await Promise.all([readImage(`${values.data}/photos/${g.photo}.jpg`), readImage(`${values.data}/masks/${g.photo}.png`)]);
  const index = annotations.labels.indexOf(g.label);
  const pixels = samplePixels(image, item.box, (x, y) => mask.data[(y * mask.width + x) * 4] === index);
  const colours = dominantColours(pixels, { swatchesOnly: values['swatches-only'] });
  if (colours.length && g.names.includes(colours[0].name)) right++;
  else if (values.misses) console.log(`miss: ${g.photo} ${g.label}: ${colours.map((c) => `${c.name} ${(c.fraction * 100).toFixed(0)}% rgb(${c.rgb})`).join(', ')}; given ${g.names.join(' or ')}`);
}
console.log(`${values.set}: first colour name right for ${right} of ${garments.length} garments (${(right / garments.length).toFixed(3)})${values['swatches-only'] ? ', swatches only' : ''}`);
