import { describe, expect, it } from 'vitest';
import { arrange } from './arrange';

const match = (id: string, score: number, addedAt: number, takenAt?: number) => ({ id, score, look: { addedAt, takenAt } });

describe('arrange', () => {
  const matches = [match('a', 0.5, 300), match('b', 0.9, 100), match('c', 0.2, 200, 900), match('d', 0.7, 400)];

  it('keeps matches at or above the relevance threshold, most relevant first', () => {
    expect(arrange(matches, 0.5, 'relevance').map((m) => m.id)).toEqual(['b', 'd', 'a']);
    expect(arrange(matches, 0, 'relevance')).toHaveLength(4);
    expect(arrange(matches, 0.95, 'relevance')).toEqual([]);
  });

  it('sorts by date, newest first, using the photo date when there is one', () => {
    expect(arrange(matches, 0, 'date').map((m) => m.id)).toEqual(['c', 'd', 'a', 'b']);
  });
});
