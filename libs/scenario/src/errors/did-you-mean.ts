/**
 * Suggests the closest known word for a misspelt key, enum value or name.
 * Case, `-` and `_` are ignored first (`downtime_limit` -> `downtime-limit`),
 * then the optimal-string-alignment distance decides, within a budget that
 * grows with the word's length so that unrelated words are never suggested.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const normalized = normalize(input);
  for (const candidate of candidates) {
    if (normalize(candidate) === normalized) return candidate;
  }
  const budget = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const match = closestMatch(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) table[i * cols] = i;
  for (let j = 0; j < cols; j++) table[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        (table[(i - 1) * cols + j] ?? 0) + 1,
        (table[i * cols + j - 1] ?? 0) + 1,
        (table[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (table[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      table[i * cols + j] = distance;
    }
  }
  return table[rows * cols - 1] ?? 0;
}
