/** Human-readable numbers shared by the text and HTML renderers. */

const NO_VALUE = '—';

/** `0.40 ms`, `850 ms`, `4.51 s`, `42.0 s`, `12.5 min`: 3 significant digits, fixed per range so columns align; `null` is `—`. */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return NO_VALUE;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${ms.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0)} ms`;
  if (abs < 600_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 2 : abs < 100_000 ? 1 : 0)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, 3 significant digits: `7.31 GiB`, `512 MiB`, `9 B`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return NO_VALUE;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${BINARY_UNITS[unit]}`;
}

/** A fraction as a percentage: `0.9523` -> `95.2 %`. */
export function formatPercent(fraction: number | null | undefined, decimals = 1): string {
  if (fraction === null || fraction === undefined) return NO_VALUE;
  return `${(fraction * 100).toFixed(decimals)} %`;
}

/** Thousands separated by a thin comma: `131072` -> `131,072`. */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined) return NO_VALUE;
  const [whole, fraction] = String(count).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A number with at most `decimals` decimals and no trailing zeros. */
/** Lost vCPU time: one decimal from 1 vCPU·s up, three below it, so a short TDP-MMU dip does not print as 0. */
export function formatVcpuSeconds(value: number): string {
  return `${trim(value, Math.abs(value) >= 1 ? 1 : 3)} vCPU·s`;
}

export function formatNumber(value: number, decimals = 2): string {
  return trim(value, decimals);
}

function trim(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}
