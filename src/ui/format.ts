/** Formatting shared by the views; dates use the person's locale. */
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDate = (ms: number): string => dateFormat.format(new Date(ms));
/** The local day of `ms` as YYYY-MM-DD, for file names. */
export function dayStamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
export const formatScore = (score: number): string => `${Math.round(score * 100)}%`;
