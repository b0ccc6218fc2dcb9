/**
 * Turns base units back into the text a user would write, exactly: a value
 * is shown in the largest unit that divides it (IEC before SI for sizes),
 * so messages such as "found 64GiB, expected at most 32GiB" stay precise.
 */

const IEC_SIZES: readonly [string, number][] = [
  ['PiB', 1024 ** 5],
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
];
const SI_SIZES: readonly [string, number][] = [
  ['PB', 1e15],
  ['TB', 1e12],
  ['GB', 1e9],
  ['MB', 1e6],
  ['kB', 1e3],
];

function largestExactUnit(value: number, units: readonly [string, number][]): string | undefined {
  for (const [unit, factor] of units) {
    if (value >= factor && value % factor === 0) return `${value / factor}${unit}`;
  }
  return undefined;
}

export function formatSize(bytes: number): string {
  if (bytes === 0) return '0B';
  return largestExactUnit(bytes, IEC_SIZES) ?? largestExactUnit(bytes, SI_SIZES) ?? `${bytes}B`;
}

export function formatRate(bytesPerSec: number): string {
  if (!Number.isInteger(bytesPerSec)) return `${bytesPerSec * 8}bps`;
  if (bytesPerSec === 0) return '0B/s';
  const text = largestExactUnit(bytesPerSec, SI_SIZES) ?? largestExactUnit(bytesPerSec, IEC_SIZES) ?? `${bytesPerSec}B`;
  return `${text}/s`;
}

const DURATIONS: readonly [string, number][] = [
  ['h', 3600e9],
  ['m', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
];

export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  for (const [unit, factor] of DURATIONS) {
    if (ns >= factor && ns % factor === 0) return `${ns / factor}${unit}`;
  }
  return `${ns}ns`;
}

export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(12))}%`;
}
