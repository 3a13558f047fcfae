/**
 * How the collection is shown (grid or calendar, the calendar's month, and the filters and search): kept while the
 * person opens looks and comes back, and the photo view steps through the looks in this order.
 */
import type { Month } from './calendar';
import { NO_FILTER, type CollectionFilter } from './filter';

export const collectionView = $state<{ mode: 'grid' | 'calendar'; month: Month | null; filter: CollectionFilter }>({
  mode: 'grid',
  month: null,
  filter: { ...NO_FILTER },
});
