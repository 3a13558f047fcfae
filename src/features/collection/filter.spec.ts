import { describe, expect, it } from 'vitest';
import { applyFilter, facets, newestFirst } from './filter';
import type { Category } from '../../../common/categories';

const look = (id: string, addedAt: number, categories: Category[], colourNames: string[], takenAt?: number) => ({
  id,
  addedAt,
  takenAt,
  categories,
  colourNames,
});

describe('collection order and filters', () => {
  const looks = [
    look('old', 100, ['top', 'bottom'], ['navy']),
    look('taken-late', 50, ['dress'], ['red', 'white'], 900),
    look('new', 500, ['top', 'shoes'], ['white']),
  ];

  it('puts the newest first, by EXIF date when there is one', () => {
    expect(newestFirst(looks).map((l) => l.id)).toEqual(['taken-late', 'new', 'old']);
  });

  it('filters by category and colour together', () => {
    expect(applyFilter(looks, { category: 'top', colour: '' }).map((l) => l.id)).toEqual(['old', 'new']);
    expect(applyFilter(looks, { category: 'top', colour: 'white' }).map((l) => l.id)).toEqual(['new']);
    expect(applyFilter(looks, { category: '', colour: '' })).toHaveLength(3);
  });

  it('offers only the categories and colours present', () => {
    expect(facets(looks)).toEqual({ categories: ['top', 'bottom', 'dress', 'shoes'], colours: ['navy', 'red', 'white'] });
  });
});
