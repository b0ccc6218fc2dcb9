/**
 * Name ranges as a scenario writes them: `h-1..h-20` is h-1, h-2, ..., h-20
 * (both ends included, in numeric order); the right end may give only the
 * number (`h-1..20`). Zero padding is kept: `h-001..h-120` is h-001 ..
 * h-120. Any other string is one name.
 */
export type NameSetItem =
  | { kind: 'name'; name: string }
  | { kind: 'range'; prefix: string; from: number; to: number; width: number };

/** Ranges longer than this are refused (a typo such as h-1..h-10000000). */
export const MAX_RANGE_LENGTH = 1_000_000;

const LEFT = /^(.*?)(\d+)$/;

/** Parses one item of a name set; `error` says what is wrong with a malformed range. */
export function parseNameSetItem(text: string): NameSetItem | { kind: 'error'; expected: string } {
  const at = text.indexOf('..');
  if (at < 0) return { kind: 'name', name: text };
  const left = LEFT.exec(text.slice(0, at));
  const rightText = text.slice(at + 2);
  if (left === null) return { kind: 'error', expected: 'a range such as h-1..h-20 (its first name ends with a number)' };
  const prefix = left[1]!;
  const fromDigits = left[2]!;
  let toDigits: string | undefined;
  if (/^\d+$/.test(rightText)) toDigits = rightText;
  else if (rightText.startsWith(prefix) && /^\d+$/.test(rightText.slice(prefix.length))) toDigits = rightText.slice(prefix.length);
  if (toDigits === undefined) return { kind: 'error', expected: `a range such as ${prefix}1..${prefix}20 (both ends share the prefix "${prefix}")` };
  const from = Number(fromDigits);
  const to = Number(toDigits);
  if (to < from) return { kind: 'error', expected: `a range whose last number is at least its first (${from})` };
  if (to - from + 1 > MAX_RANGE_LENGTH) return { kind: 'error', expected: `a range of at most ${MAX_RANGE_LENGTH.toLocaleString('en-US')} names` };
  const width = fromDigits.length > 1 && fromDigits.startsWith('0') ? fromDigits.length : 0;
  return { kind: 'range', prefix, from, to, width };
}

/** The names of a range, in numeric order. */
export function expandRange(item: Extract<NameSetItem, { kind: 'range' }>): string[] {
  const names: string[] = [];
  for (let n = item.from; n <= item.to; n += 1) names.push(`${item.prefix}${item.width > 0 ? String(n).padStart(item.width, '0') : n}`);
  return names;
}
