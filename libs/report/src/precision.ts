/**
 * The one place that decides how precise the numbers in a report are.
 *
 * A report must be byte-identical for the same scenario and seed, and it
 * should not carry float noise such as 0.30000000000000004. Rules, by key:
 *  - timeline fractions (`relativeThroughput`, `hugeFraction`, `fraction4k`
 *    and any other `...Fraction`): 4 decimals (0.01 percentage point);
 *  - simulated times (`tMs` and every other `...Ms` key): 3 decimals (1 us);
 *  - any other non-integer number: 6 significant digits;
 *  - integers are kept exactly (byte counts, page counts, seeds);
 *  - `-0` becomes `0`.
 * Non-finite numbers are not representable in JSON and are rejected by the
 * caller (`normalizeReport`).
 */
export const FRACTION_DECIMALS = 4;
export const TIME_MS_DECIMALS = 3;
export const OTHER_SIGNIFICANT_DIGITS = 6;

const FRACTION_KEYS = new Set(['relativeThroughput', 'hugeFraction', 'fraction4k']);

export type PrecisionRule = 'fraction' | 'time-ms' | 'significant';

export function precisionRuleFor(key: string): PrecisionRule {
  if (FRACTION_KEYS.has(key) || key.endsWith('Fraction')) return 'fraction';
  if (key === 'tMs' || key.endsWith('Ms')) return 'time-ms';
  return 'significant';
}

export function roundForKey(key: string, value: number): number {
  switch (precisionRuleFor(key)) {
    case 'fraction':
      return roundDecimals(value, FRACTION_DECIMALS);
    case 'time-ms':
      return roundDecimals(value, TIME_MS_DECIMALS);
    case 'significant':
      return roundSignificant(value, OTHER_SIGNIFICANT_DIGITS);
  }
}

export function roundDecimals(value: number, decimals: number): number {
  if (Number.isInteger(value)) return value === 0 ? 0 : value;
  // toFixed rounds the decimal expansion, which avoids the 1.005 * 100 trap.
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded;
}

export function roundSignificant(value: number, digits: number): number {
  if (Number.isInteger(value)) return value === 0 ? 0 : value;
  const rounded = Number(value.toPrecision(digits));
  return rounded === 0 ? 0 : rounded;
}
