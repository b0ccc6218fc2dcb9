/**
 * Natural name order: digit runs compare by value, so `h-2` sorts before
 * `h-10` (code-unit order would put `h-10` first). Other characters compare
 * by UTF-16 code unit, never by locale, so the order is the same everywhere.
 * Equal values with different zero padding (`h-02`, `h-2`) fall back to
 * code-unit order, so the order is total.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const endA = digitRunEnd(a, i);
      const endB = digitRunEnd(b, j);
      const byValue = compareDigitRuns(a, i, endA, b, j, endB);
      if (byValue !== 0) return byValue;
      i = endA;
      j = endB;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i += 1;
    j += 1;
  }
  const byLength = a.length - i - (b.length - j);
  if (byLength !== 0) return byLength;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `names` sorted in natural order (a new array). */
export function sortNatural(names: Iterable<string>): string[] {
  return [...names].sort(compareNatural);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function digitRunEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
  return end;
}

/** Compares two digit runs by value without parsing them (they may be longer than a double holds). */
function compareDigitRuns(a: string, fromA: number, endA: number, b: string, fromB: number, endB: number): number {
  let i = fromA;
  let j = fromB;
  while (i < endA - 1 && a.charCodeAt(i) === 48) i += 1;
  while (j < endB - 1 && b.charCodeAt(j) === 48) j += 1;
  const lengthA = endA - i;
  const lengthB = endB - j;
  if (lengthA !== lengthB) return lengthA - lengthB;
  for (; i < endA; i += 1, j += 1) {
    const difference = a.charCodeAt(i) - b.charCodeAt(j);
    if (difference !== 0) return difference;
  }
  return 0;
}
