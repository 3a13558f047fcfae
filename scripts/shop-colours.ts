/**
 * Shop the look with and without the products' colour histograms: how the colours of the products shown agree with
 * the garment's. Not a test: a measurement for docs/packs.md.
 *
 *   npm run --silent cli -- build-pack --data ../shared/data/clothing --split val --out /tmp/clothing-val
 *   npx tsx scripts/shop-colours.ts --pack /tmp/clothing-val --data ../shared/data/ccp --split val
 *
 * Every garment the app's pipeline finds in the photos asks the pack for its 5 related products (common/pack-match.ts,
 * as the Photo view does), once as shipped and once with the products' histograms left out (the item vectors alone,
 * as before products carried histograms). Only garments whose category has at least 10 products count. Printed for
 * each ranking, averaged over the garments: the share of the 5 whose main colour name (productColours of the
 * product's thumbnail) is the garment's main colour name, the same for any of the garment's colour names, and the
 * mean colour affinity of the 5 with the garment, and the share whose type (the shop's label) is the type garment-net
 * gives the garment; and the same for a product of the category drawn at random.
 */
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { colourAffinity } from '../common/colour-similarity';
import { relatedProducts, type Catalog } from '../common/pack-match';
import type { Product } from '../common/pack-format';
import type { DetectedGarment } from '../common/types';
import { ccpPhotoPath, readCcp } from '../cli/datasets';
import { readImage } from '../cli/image';
import { readPackDir } from '../cli/packs';
import { createAnalyzer } from '../workers/pipeline';
import { productColours } from '../workers/pipeline/colours';
import { nodeBackend, nodeModels } from '../workers/node/runtime';

const { values } = parseArgs({
  options: { pack: { type: 'string' }, data: { type: 'string', default: '../shared/data/ccp' }, split: { type: 'string', default: 'val' } },
});
if (!values.pack) throw new Error('--pack DIR is required (a catalog pack made by build-pack)');

const pack = await readPackDir(values.pack);
const catalog: Catalog = {
  id: pack.manifest.id, dim: pack.manifest.embeddings.dim, modelVersion: pack.manifest.embeddings.modelVersion, products: pack.products, vectors: pack.vectors,
};
const withoutColours: Catalog = { ...catalog, products: pack.products.map(({ histogram: _, ...p }) => p) };
// The products' colour names, as a person would name the garment in the thumbnail.
const mainColour = new Map<string, string>();
for (const p of pack.products) {
  const bytes = p.image ? pack.images.get(p.image) : undefined;
  if (!bytes) continue;
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  mainColour.set(p.id, productColours({ width: img.width, height: img.height, data: img.data }).colours[0]?.name ?? '');
}

await nodeBackend('wasm');
const analyzer = createAnalyzer(await nodeModels());
const ann = await readCcp(values.data!);
const garments: DetectedGarment[] = [];
for (const p of ann.photos.filter((x) => x.split === values.split)) {
  const a = await analyzer.analyze(await readImage(ccpPhotoPath(values.data!, p.id)));
  if (a.modelVersion !== catalog.modelVersion) throw new Error(`the pack is of ${catalog.modelVersion}, the app's model is ${a.modelVersion}: build it again`);
  garments.push(...a.garments);
}

const byId = new Map(pack.products.map((p) => [p.id, p]));
type Row = { main: number; any: number; affinity: number; type: number };
const rows: Record<string, Row[]> = { 'item vectors and colour histograms (shipped)': [], 'item vectors alone (before)': [], 'a product of the category at random': [] };
const judge = (g: DetectedGarment, list: Product[]): Row => {
  const names = g.colours.map((c) => c.name);
  const n = Math.max(1, list.length);
  return {
    main: list.filter((p) => mainColour.get(p.id) === names[0]).length / n,
    any: list.filter((p) => names.includes(mainColour.get(p.id) ?? '')).length / n,
    affinity: list.reduce((s, p) => s + (colourAffinity(g.histogram, p.histogram) ?? 0), 0) / n,
    type: list.filter((p) => p.type !== undefined && p.type === g.type?.label).length / n,
  };
};
let counted = 0;
for (const g of garments) {
  const same = pack.products.filter((p) => p.category === g.category);
  if (same.length < 10 || g.colours.length === 0) continue;
  counted++;
  const query = { category: g.category, vector: g.embedding, histogram: g.histogram, modelVersion: catalog.modelVersion };
  const pick = (c: Catalog) => relatedProducts(query, [c], 5).matches.map((m) => byId.get(m.productId)!);
  rows['item vectors and colour histograms (shipped)'].push(judge(g, pick(catalog)));
  rows['item vectors alone (before)'].push(judge(g, pick(withoutColours)));
  rows['a product of the category at random'].push(judge(g, same));
}
const mean = (xs: Row[], k: keyof Row) => (xs.reduce((s, r) => s + r[k], 0) / xs.length).toFixed(3);
console.log(`${counted} garments of ${values.split} (of ${garments.length} found) against ${pack.products.length} products of ${pack.manifest.id}`);
console.log('| ranking | main colour the garment\'s | main colour one of the garment\'s | colour affinity | type the garment\'s |\n|---|---|---|---|---|');
for (const [name, xs] of Object.entries(rows)) console.log(`| ${name} | ${mean(xs, 'main')} | ${mean(xs, 'any')} | ${mean(xs, 'affinity')} | ${mean(xs, 'type')} |`);
