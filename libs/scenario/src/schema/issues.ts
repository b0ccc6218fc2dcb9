/**
 * Where a value sits in the scenario document: `['vms', 0, 'memory']`,
 * written `vms[0].memory`.
 */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** One thing wrong with the document, in "found X, expected Y" form. */
export interface Issue {
  readonly path: Path;
  readonly found: string;
  readonly expected: string;
  /** A short suggestion, e.g. `did you mean "kernel"?`. */
  readonly hint?: string;
}

/** Collects every issue of one validation pass, in the order they were found. */
export class Issues {
  readonly list: Issue[] = [];

  add(path: Path, found: string, expected: string, hint?: string): void {
    this.list.push(hint === undefined ? { path, found, expected } : { path, found, expected, hint });
  }

  get count(): number {
    return this.list.length;
  }
}

const MAX_FOUND_LENGTH = 60;

/** How a raw value is shown after "found": strings quoted, containers named. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > MAX_FOUND_LENGTH ? `${quoted.slice(0, MAX_FOUND_LENGTH - 4)}..."` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return 'a value of an unsupported type';
}

/** A plain key/value object as YAML and JSON produce it. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
