import { describe, expect, it } from 'vitest';
import { addMonths, looksIn, monthGrid, monthOf } from './calendar';

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m, d, h).getTime();
const look = (id: string, addedAt: number, takenAt?: number) => ({ id, addedAt, takenAt });

describe('the collection as a calendar', () => {
  it('lays a month out in weeks from Monday, with the looks of each day newest first', () => {
    // May 2026 starts on a Friday and has 31 days: 4 empty cells, then 5 weeks in all.
    const looks = [look('a', at(2026, 4, 1, 9)), look('b', at(2026, 4, 1, 18)), look('c', at(2026, 5, 2, 9), at(2026, 4, 31))];
    const weeks = monthGrid({ year: 2026, month: 4 }, looks);
    expect(weeks).toHaveLength(5);
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(weeks[0].slice(0, 4)).toEqual([null, null, null, null]);
    expect(weeks[0][4]).toEqual({ day: 1, looks: [looks[1], looks[0]] });
    // The look's own date (EXIF) counts, not when it was added.
    expect(weeks[4][6]).toEqual({ day: 31, looks: [looks[2]] });
    expect(weeks.flat().filter((d) => d && d.looks.length === 0)).toHaveLength(29);
  });

  it('moves across years and counts the looks of a month', () => {
    expect(addMonths({ year: 2026, month: 0 }, -1)).toEqual({ year: 2025, month: 11 });
    expect(addMonths({ year: 2026, month: 11 }, 1)).toEqual({ year: 2027, month: 0 });
    expect(monthOf(at(2026, 1, 28))).toEqual({ year: 2026, month: 1 });
    expect(looksIn(monthGrid({ year: 2026, month: 4 }, [look('a', at(2026, 4, 3)), look('b', at(2026, 3, 30))]))).toBe(1);
    // February 2027 starts on a Monday: four full weeks.
    expect(monthGrid({ year: 2027, month: 1 }, [])).toHaveLength(4);
  });
});
