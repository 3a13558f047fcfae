import { describe, expect, it } from 'vitest';
import { compare, renderTable, replaceTable, resultsJson, stats, TABLE_END, TABLE_START, withinBudget, type Results } from './report';

const results: Results = {
  environment: { cpu: 'Test CPU', cores: 2, memoryGB: 8, browser: 'Chromium 1', backend: 'WASM', date: '2026-01-01', mode: 'quick', command: 'npm run bench -- --quick' },
  figures: [
    { id: 'a.ms', label: 'A', value: 500, p95: 700, samples: 10, unit: 'ms', budget: { max: 600 }, compared_to: compare(500, [{ name: 'B', value: 250 }]) },
    { id: 'b.recall', label: 'B', value: 0.9, unit: 'fraction', budget: { min: 0.95 } },
  ],
  skipped: [{ what: 'WebGPU', why: 'software adapter only' }],
};

describe('bench report', () => {
  it('computes median and nearest-rank p95', () => {
    expect(stats([3, 1, 2])).toEqual({ p50: 2, p95: 3, n: 3 });
    expect(stats([1, 2, 3, 4]).p50).toBe(2.5);
    expect(stats(Array.from({ length: 100 }, (_, i) => i + 1)).p95).toBe(95);
    expect(stats([]).n).toBe(0);
  });

  it('checks budgets and ratios', () => {
    expect(withinBudget(results.figures[0])).toBe(true);
    expect(withinBudget(results.figures[1])).toBe(false);
    expect(withinBudget({ id: 'x', label: 'x', value: 1, unit: 'ms' })).toBeUndefined();
    expect(results.figures[0].compared_to![0].ratio).toBe(2);
  });

  it('renders the table, says which budgets were missed and what was skipped', () => {
    const t = renderTable(results);
    expect(t).toContain('Test CPU, 2 cores');
    expect(t).toContain('| A | `a.ms` | 500 | 700 | ms | 10 | ≤ 600 ms: met | B: 250 (×2.00) |');
    expect(t).toContain('≥ 0.950 fraction: **MISSED**');
    expect(t).toMatch(/Budgets missed: `b.recall`/);
    expect(t).toContain('- WebGPU: software adapter only');
  });

  it('replaces only the table between the markers', () => {
    const md = `# Title\n\nintro\n\n${TABLE_START}\nold\n${TABLE_END}\n\nafter\n`;
    const out = replaceTable(md, 'new');
    expect(out).toBe(`# Title\n\nintro\n\n${TABLE_START}\nnew\n${TABLE_END}\n\nafter\n`);
    expect(replaceTable('# T\n', 'x')).toBe(`# T\n\n${TABLE_START}\nx\n${TABLE_END}\n`);
  });

  it('writes results.json with the required keys', () => {
    const json = JSON.parse(resultsJson(results));
    expect(json.figures[0]).toMatchObject({ id: 'a.ms', value: 500, unit: 'ms', budget: { max: 600 }, compared_to: [{ name: 'B', value: 250, ratio: 2 }] });
  });
});
