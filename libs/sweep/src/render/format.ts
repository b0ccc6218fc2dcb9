import type { Distribution, Proportion } from '../summary/stats';

/** `93.2 %`, `—` without data. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** `93.2 % [92.1–94.2]`. */
export function proportionText(p: Proportion): string {
  if (p.rate === null || p.ci95 === null) return '—';
  return `${percent(p.rate)} [${(p.ci95[0] * 100).toFixed(1)}–${(p.ci95[1] * 100).toFixed(1)}]`;
}

/** `412 ms`, `12.3 s`, `4.2 min`. */
export function durationMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms === 0) return '0 ms';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${ms.toFixed(abs < 10 ? 2 : 0)} ms`;
  if (abs < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function medianAndP95(d: Distribution, format: (value: number | null) => string): string {
  return d.n === 0 ? '—' : `${format(d.p50)} / ${format(d.p95)}`;
}

/** A signed difference: `+3.1`, `−2.0`. */
export function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return `${value < 0 ? '−' : '+'}${text}`;
}

export function padTable(rows: readonly (readonly string[])[], rightAligned: readonly boolean[], indent = '  '): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, column) => {
          const pad = ' '.repeat(widths[column]! - [...cell].length);
          return rightAligned[column] ? pad + cell : cell + pad;
        })
        .join('  ')
    ).trimEnd(),
  );
}
