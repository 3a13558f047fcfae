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
}

export function applyFilter<T extends Pick<LookRecord, 'categories' | 'colourNames'>>(looks: T[], f: CollectionFilter): T[] {
  return looks.filter(
    (l) => (!f.category || l.categories.includes(f.category)) && (!f.colour || l.colourNames.includes(f.colour)),
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
