/** How the collection is shown (grid or calendar, and the calendar's month): kept while the person opens looks and comes back. */
import type { Month } from './calendar';

export const collectionView = $state<{ mode: 'grid' | 'calendar'; month: Month | null }>({ mode: 'grid', month: null });
