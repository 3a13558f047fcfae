/** Results after the threshold slider and the sort option: pure, tested without a browser. */
import type { LookRecord } from '../../../common/db-schema';
import { lookDate } from '../collection/filter';

export type SortOrder = 'relevance' | 'date';

export function arrange<T extends { score: number; look: Pick<LookRecord, 'takenAt' | 'addedAt'> }>(
  matches: T[],
  minScore: number,
  order: SortOrder,
): T[] {
  const kept = matches.filter((m) => m.score >= minScore);
  return order === 'date'
    ? kept.sort((a, b) => lookDate(b.look) - lookDate(a.look))
    : kept.sort((a, b) => b.score - a.score);
}
