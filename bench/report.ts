/**
 * bench/results.json and the table in BENCHMARKS.md, written from the figures of one `npm run bench`.
 * Pure functions (no I/O) so that bench/report.spec.ts can check them.
 */

/** A budget: the value must be <= max, or >= min. */
export interface Budget {
  max?: number;
  min?: number;
}

export interface Comparison {
  name: string;
  value: number;
  /** This figure's value divided by the comparison's, measured in the same run. */
  ratio?: number;
}

export interface Figure {
  id: string;
  /** What it is, in words (the table's first column). */
  label: string;
  value: number;
  unit: string;
  p95?: number;
  /** How many measurements the median / p95 are over. */
  samples?: number;
  budget?: Budget;
  compared_to?: Comparison[];
  note?: string;
}

export interface Environment {
  cpu: string;
  cores: number;
  memoryGB: number;
  browser: string;
  backend: string;
  date: string;
  mode: 'quick' | 'full';
  /** os.loadavg() (1, 5, 15 min) at the start and end of the run: other work on the machine skews every figure. */
  load?: string;
  command: string;
}

export interface Results {
  environment: Environment;
  figures: Figure[];
  /** Parts that did not run, and why. */
  skipped: { what: string; why: string }[];
}

/** Median and p95 (nearest rank) of a list of numbers; NaN for an empty list. */
export function stats(values: number[]): { p50: number; p95: number; n: number } {
  if (values.length === 0) return { p50: NaN, p95: NaN, n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const mid = s.length >> 1;
  const p50 = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { p50, p95: rank(0.95), n: s.length };
}

/** Comparisons with the ratio of `value` to each. */
export function compare(value: number, others: { name: string; value: number }[]): Comparison[] {
  return others.map((o) => ({ ...o, ratio: o.value !== 0 && Number.isFinite(o.value) ? value / o.value : undefined }));
}

/** true, false, or undefined when the figure has no budget. */
export function withinBudget(f: Figure): boolean | undefined {
  if (!f.budget || !Number.isFinite(f.value)) return f.budget ? false : undefined;
  if (f.budget.max !== undefined && f.value > f.budget.max) return false;
  if (f.budget.min !== undefined && f.value < f.budget.min) return false;
  return true;
}

export function formatNumber(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

function budgetText(f: Figure): string {
  if (!f.budget) return '';
  const parts = [f.budget.max !== undefined ? `≤ ${formatNumber(f.budget.max)}` : '', f.budget.min !== undefined ? `≥ ${formatNumber(f.budget.min)}` : ''].filter(Boolean);
  return `${parts.join(', ')} ${f.unit}: ${withinBudget(f) ? 'met' : '**MISSED**'}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table of every figure, with the environment above it. */
export function renderTable(r: Results): string {
  const e = r.environment;
  const lines = [
    `Machine: ${e.cpu}, ${e.cores} cores, ${e.memoryGB.toFixed(1)} GB memory. Browser: ${e.browser} (headless). Backend: ${e.backend}. Date: ${e.date}. Mode: ${e.mode} (\`${e.command}\`).${e.load ? ` Load average (1/5/15 min): ${e.load}.` : ''}`,
    '',
    '| Figure | id | median | p95 | unit | n | budget | compared in the same run (value, ratio) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const f of r.figures) {
    const cmp = (f.compared_to ?? []).map((c) => `${c.name}: ${formatNumber(c.value)}${c.ratio !== undefined ? ` (×${formatNumber(c.ratio)})` : ''}`).join('; ');
    const label = f.note ? `${f.label} (${f.note})` : f.label;
    lines.push(`| ${cell(label)} | \`${f.id}\` | ${formatNumber(f.value)} | ${formatNumber(f.p95)} | ${f.unit} | ${f.samples ?? ''} | ${cell(budgetText(f))} | ${cell(cmp)} |`);
  }
  const missed = r.figures.filter((f) => withinBudget(f) === false);
  lines.push('');
  lines.push(missed.length ? `Budgets missed: ${missed.map((f) => `\`${f.id}\` (${formatNumber(f.value)} ${f.unit}; ${budgetText(f).replace(': **MISSED**', '')})`).join(', ')}.` : 'Every budget was met.');
  if (r.skipped.length) {
    lines.push('', 'Not measured:');
    for (const s of r.skipped) lines.push(`- ${s.what}: ${s.why}`);
  }
  return lines.join('\n');
}

export const TABLE_START = '<!-- bench:table:start (written by scripts/bench.ts; edits inside are overwritten) -->';
export const TABLE_END = '<!-- bench:table:end -->';

/** Replaces the table between the markers in BENCHMARKS.md (appends it, with markers, when absent). */
export function replaceTable(markdown: string, table: string): string {
  const block = `${TABLE_START}\n${table}\n${TABLE_END}`;
  const a = markdown.indexOf(TABLE_START);
  const b = markdown.indexOf(TABLE_END);
  if (a >= 0 && b > a) return markdown.slice(0, a) + block + markdown.slice(b + TABLE_END.length);
  return `${markdown.replace(/\s*$/, '')}\n\n${block}\n`;
}

/** results.json: the figures (id, value, unit, budget, compared_to, ...) plus the environment. */
export function resultsJson(r: Results): string {
  const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? v : Math.round(v * 1000) / 1000);
  return JSON.stringify({
    environment: r.environment,
    figures: r.figures.map((f) => ({ ...f, value: round(f.value), p95: round(f.p95), compared_to: f.compared_to?.map((c) => ({ ...c, value: round(c.value), ratio: round(c.ratio) })) })),
    skipped: r.skipped,
  }, null, 2) + '\n';
}
