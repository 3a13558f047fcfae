/** Formatting shared by the views; dates use the person's locale. */
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDate = (ms: number): string => dateFormat.format(new Date(ms));
export const formatScore = (score: number): string => `${Math.round(score * 100)}%`;
