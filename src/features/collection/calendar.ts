/** The collection as a month calendar (what was worn which day): pure, so it is tested without a browser. */
import { lookDate } from './filter';

type Dated = Parameters<typeof lookDate>[0];

export interface Month {
  year: number;
  /** 0 = January. */
  month: number;
}

export interface CalendarDay<T> {
  /** Day of the month (1..31). */
  day: number;
  /** Looks worn that day (by lookDate, local time), newest first. */
  looks: T[];
}

/** Weeks from Monday to Sunday; null where a week runs into the month before or after. */
export type CalendarWeek<T> = (CalendarDay<T> | null)[];

export function monthOf(ms: number): Month {
  const d = new Date(ms);
  return { year: d.getFullYear(), month: d.getMonth() };
}

/** The month `delta` months from `m`. */
export function addMonths(m: Month, delta: number): Month {
  const d = new Date(m.year, m.month + delta, 1);
  return { year: d.getFullYear(), month: d.getMonth() };
}

/** The weeks of month `m` with the looks worn on each day. */
export function monthGrid<T extends Dated>(m: Month, looks: readonly T[]): CalendarWeek<T>[] {
  const days = new Date(m.year, m.month + 1, 0).getDate();
  const byDay = new Map<number, T[]>();
  for (const look of looks) {
    const d = new Date(lookDate(look));
    if (d.getFullYear() !== m.year || d.getMonth() !== m.month) continue;
    byDay.set(d.getDate(), [...(byDay.get(d.getDate()) ?? []), look]);
  }
  // Monday first: getDay() is 0 for Sunday.
  const lead = (new Date(m.year, m.month, 1).getDay() + 6) % 7;
  const cells: (CalendarDay<T> | null)[] = Array.from({ length: lead }, () => null);
  for (let day = 1; day <= days; day++) cells.push({ day, looks: (byDay.get(day) ?? []).sort((a, b) => lookDate(b) - lookDate(a)) });
  while (cells.length % 7 !== 0) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

/** How many looks a month's weeks hold. */
export const looksIn = (weeks: readonly CalendarWeek<unknown>[]): number => weeks.flat().reduce((n, day) => n + (day?.looks.length ?? 0), 0);
