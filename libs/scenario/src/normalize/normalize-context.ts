import { describeFound, isMapping, type Issues, type Path } from '../schema/issues';

/**
 * Shared by the cross-reference checks of one setup: where issues go, and the
 * raw document, so a message can quote exactly what the user wrote.
 */
export class NormalizeContext {
  constructor(
    readonly issues: Issues,
    private readonly raw: unknown,
  ) {}

  /** The raw value at `path` as "found ..." text, or `fallback` when the key was not written (a default). */
  found(path: Path, fallback: string): string {
    let value: unknown = this.raw;
    for (const segment of path) {
      if (typeof segment === 'number' && Array.isArray(value)) value = value[segment];
      else if (typeof segment === 'string' && isMapping(value) && Object.hasOwn(value, segment)) value = value[segment];
      else return fallback;
    }
    return value === undefined ? fallback : describeFound(value);
  }

  add(path: Path, found: string, expected: string, hint?: string): void {
    this.issues.add(path, found, expected, hint);
  }
}

/** "a, b, c" or, for long lists, the first few and how many there are. */
export function listNames(names: readonly string[], limit = 8): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')}, ... (${names.length} in all)`;
}
