/** Ordering and filtering of the collection: pure, so it is tested without a browser. */
import type { Category } from '../../../common/categories';
import { CATEGORIES } from '../../../common/categories';
import type { LookRecord } from '../../../common/db-schema';

type Dated = Pick<LookRecord, 'takenAt' | 'addedAt'>;

/** When the look was worn: the photo's EXIF date, else when it was added (ms since epoch). */
export const lookDate = (look: Dated): number => look.takenAt ?? look.addedAt;

export const newestFirst = <T extends Dated>(looks: T[]): T[] => [...looks].sort((a, b) => lookDate(b) - lookDate(a));

export interface CollectionFilter {
  category: Category | '';
  colour: string;
  /** Words the person typed: each must occur in the look's caption, file name, categories or colours. */
  text: string;
}

export const NO_FILTER: Readonly<CollectionFilter> = { category: '', colour: '', text: '' };

type Searchable = Pick<LookRecord, 'categories' | 'colourNames' | 'caption' | 'name'>;

/** Lower case without accents ("Café" finds "cafe"), for matching what the person types. */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Whether every word of `text` occurs (as any part of a word) in the look's caption, file name, categories or colours. */
export function matchesText(look: Searchable, text: string): boolean {
  const words = fold(text).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold([look.caption, look.name, ...look.categories, ...look.colourNames].join(' '));
  return words.every((w) => haystack.includes(w));
}

export function applyFilter<T extends Searchable>(looks: T[], f: CollectionFilter): T[] {
  return looks.filter(
    (l) => (!f.category || l.categories.includes(f.category)) && (!f.colour || l.colourNames.includes(f.colour)) && matchesText(l, f.text),
  );
}

/** The categories and colours present in the collection, for the filter menus (categories in vocabulary order). */
export function facets(looks: Pick<LookRecord, 'categories' | 'colourNames'>[]): { categories: Category[]; colours: string[] } {
  const categories = new Set(looks.flatMap((l) => l.categories));
  const colours = new Set(looks.flatMap((l) => l.colourNames));
  return {
    categories: CATEGORIES.filter((c) => categories.has(c)),
    colours: [...colours].sort((a, b) => a.localeCompare(b)),
  };
}

/** Where look `id` sits in `order` (the collection as shown), and the looks before and after it; null if absent. */
export function neighbours<T extends { id: string }>(order: T[], id: string): { index: number; total: number; newer: T | null; older: T | null } | null {
  const index = order.findIndex((l) => l.id === id);
  if (index < 0) return null;
  return { index, total: order.length, newer: order[index - 1] ?? null, older: order[index + 1] ?? null };
}
