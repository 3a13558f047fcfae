/**
 * A look's filterable summary (its categories and colour names), stored on the look record so that the collection
 * filters without reading its garments. Shared by the page (src/db/looks.ts) and the database migrations
 * (common/db-open.ts).
 */
import { CATEGORIES, type Category } from './categories';
import type { GarmentColour } from './types';

/** A garment's colours worth naming: the main one plus any covering at least this fraction (0..1). */
const NAMED_COLOUR_FRACTION = 0.25;

export function namedColours(colours: GarmentColour[]): string[] {
  const sorted = [...colours].sort((a, b) => b.fraction - a.fraction);
  return sorted.filter((c, i) => i === 0 || c.fraction >= NAMED_COLOUR_FRACTION).map((c) => c.name);
}

/** The look's filterable summary of its garments: unique categories in vocabulary order, colours A-Z. */
export function summarise(garments: readonly { category: Category; colours: GarmentColour[] }[]): {
  categories: Category[];
  colourNames: string[];
} {
  const present = new Set(garments.map((g) => g.category));
  const categories = CATEGORIES.filter((c) => present.has(c));
  const colourNames = [...new Set(garments.flatMap((g) => namedColours(g.colours)))].sort((a, b) => a.localeCompare(b));
  return { categories, colourNames };
}
