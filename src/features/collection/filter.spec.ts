import { describe, expect, it } from 'vitest';
import { applyFilter, facets, matchesText, neighbours, newestFirst, NO_FILTER } from './filter';
import type { Category } from '../../../common/categories';

const look = (id: string, addedAt: number, categories: Category[], colourNames: string[], takenAt?: number, caption = '') => ({
  id,
  name: `${id}.jpg`,
  caption,
  addedAt,
  takenAt,
  categories,
  colourNames,
});

describe('collection order and filters', () => {
  const looks = [
    look('old', 100, ['top', 'bottom'], ['navy']),
    look('taken-late', 50, ['dress'], ['red', 'white'], 900),
    look('new', 500, ['top', 'shoes'], ['white'], undefined, 'Sunday market at the Café de Flore'),
  ];

  it('puts the newest first, by EXIF date when there is one', () => {
    expect(newestFirst(looks).map((l) => l.id)).toEqual(['taken-late', 'new', 'old']);
  });

  it('filters by category and colour together', () => {
    expect(applyFilter(looks, { ...NO_FILTER, category: 'top' }).map((l) => l.id)).toEqual(['old', 'new']);
    expect(applyFilter(looks, { ...NO_FILTER, category: 'top', colour: 'white' }).map((l) => l.id)).toEqual(['new']);
    expect(applyFilter(looks, NO_FILTER)).toHaveLength(3);
  });

  it('finds looks by the words typed: caption, file name, categories and colours, every word, any case or accent', () => {
    expect(applyFilter(looks, { ...NO_FILTER, text: 'market' }).map((l) => l.id)).toEqual(['new']);
    expect(applyFilter(looks, { ...NO_FILTER, text: '  CAFE  sunday ' }).map((l) => l.id)).toEqual(['new']);
    expect(applyFilter(looks, { ...NO_FILTER, text: 'white' }).map((l) => l.id)).toEqual(['taken-late', 'new']);
    expect(applyFilter(looks, { ...NO_FILTER, text: 'red dress' }).map((l) => l.id)).toEqual(['taken-late']);
    expect(applyFilter(looks, { ...NO_FILTER, text: 'old.jpg' }).map((l) => l.id)).toEqual(['old']);
    expect(applyFilter(looks, { ...NO_FILTER, category: 'dress', text: 'market' })).toEqual([]);
    expect(matchesText(looks[0], '')).toBe(true);
    expect(matchesText(looks[0], 'navy wedding')).toBe(false);
  });

  it('offers only the categories and colours present', () => {
    expect(facets(looks)).toEqual({ categories: ['top', 'bottom', 'dress', 'shoes'], colours: ['navy', 'red', 'white'] });
  });

  it('finds the looks before and after one in the order shown, and none for a look not shown', () => {
    const shown = newestFirst(looks); // taken-late, new, old
    expect(neighbours(shown, 'new')).toEqual({ index: 1, total: 3, newer: shown[0], older: shown[2] });
    expect(neighbours(shown, 'taken-late')).toMatchObject({ index: 0, newer: null, older: { id: 'new' } });
    expect(neighbours(shown, 'old')).toMatchObject({ index: 2, newer: { id: 'new' }, older: null });
    expect(neighbours(applyFilter(shown, { ...NO_FILTER, colour: 'white' }), 'old')).toBeNull();
  });
});
