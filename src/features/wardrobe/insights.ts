/**
 * What the person wears, across their looks: the colours and categories of their garments, by how many looks hold
 * them. Pure, so it is tested without a browser; a look's colours and categories are those the collection filters
 * by (common/look-summary.ts summarise()).
 */
import { CATEGORIES, type Category } from '../../../common/categories';
import { PALETTE } from '../../../common/colour-names';
import { summarise } from '../../../common/look-summary';
import type { GarmentColour } from '../../../common/types';

export interface StyleSummary {
  /** Looks with at least one garment. */
  looks: number;
  /** The colours worn most, by the number of looks with a garment of that colour (most first; ties in palette order). */
  colours: { name: string; rgb: [number, number, number]; looks: number }[];
  /** Every category worn, by the number of looks with it (vocabulary order). */
  categories: { category: Category; looks: number }[];
}

export function styleSummary(
  garments: readonly { lookId: string; category: Category; colours: GarmentColour[] }[],
  maxColours = 8,
): StyleSummary {
  const byLook = new Map<string, { category: Category; colours: GarmentColour[] }[]>();
  for (const g of garments) {
    const list = byLook.get(g.lookId);
    if (list) list.push(g);
    else byLook.set(g.lookId, [g]);
  }
  const colourLooks = new Map<string, number>();
  const categoryLooks = new Map<Category, number>();
  for (const list of byLook.values()) {
    const { categories, colourNames } = summarise(list);
    for (const c of colourNames) colourLooks.set(c, (colourLooks.get(c) ?? 0) + 1);
    for (const c of categories) categoryLooks.set(c, (categoryLooks.get(c) ?? 0) + 1);
  }
  const order = (name: string) => {
    const i = PALETTE.findIndex((p) => p.name === name);
    return i < 0 ? PALETTE.length : i;
  };
  const colours = [...colourLooks]
    .map(([name, looks]) => ({ name, looks, rgb: PALETTE[order(name)]?.rgb ?? ([128, 128, 128] as [number, number, number]) }))
    .sort((a, b) => b.looks - a.looks || order(a.name) - order(b.name) || a.name.localeCompare(b.name))
    .slice(0, maxColours);
  const categories = CATEGORIES.filter((c) => categoryLooks.has(c)).map((category) => ({ category, looks: categoryLooks.get(category)! }));
  return { looks: byLook.size, colours, categories };
}
