import { didYouMean } from '../errors/did-you-mean';
import { describeFound, isMapping, type Issue, type Path } from '../schema/issues';
import { listNames } from './normalize-context';

/**
 * Variant overrides are applied to the raw document, before validation, so a
 * variant is validated and defaulted exactly like a file that says the same.
 * Hosts, VMs and migrations are addressed by name (as written, i.e. the
 * template of an entry with a count) and merged key by key, recursively;
 * `policy` merges; `plans`, `probes` and `faults` replace the base lists.
 */
const KEYED_COLLECTIONS = { hosts: 'name', vms: 'name', migrations: 'id' } as const;
const REPLACED_LISTS = ['plans', 'probes', 'faults'] as const;

export interface AppliedVariant {
  /** The document this variant runs: the base with the overrides merged in. */
  document: Record<string, unknown>;
  /** Maps a path in `document` back to where the override that set it was written. */
  overridePathOf(path: Path): Path | undefined;
}

/** Reports overrides of entries that do not exist; returns the merged document. */
export function applyVariant(base: Record<string, unknown>, variant: Record<string, unknown>, variantPath: Path, issues: Issue[]): AppliedVariant {
  const document = cloneJson(base);
  delete document['variants'];
  for (const [collection, idKey] of Object.entries(KEYED_COLLECTIONS)) {
    const overrides = variant[collection];
    if (!isMapping(overrides)) continue;
    const entries = Array.isArray(document[collection]) ? (document[collection] as unknown[]) : [];
    const ids = entries.map((entry) => (isMapping(entry) ? String(entry[idKey]) : ''));
    for (const [id, override] of Object.entries(overrides)) {
      const index = ids.indexOf(id);
      if (index < 0) {
        const expected = `the ${idKey} of an entry of ${collection} (${listNames(ids)})`;
        const hint = didYouMean(id, ids);
        issues.push(hint === undefined ? { path: [...variantPath, collection, id], found: describeFound(id), expected } : { path: [...variantPath, collection, id], found: describeFound(id), expected, hint });
        continue;
      }
      entries[index] = mergeDeep(entries[index], override);
    }
  }
  if (isMapping(variant['policy'])) document['policy'] = mergeDeep(document['policy'] ?? {}, variant['policy']);
  if (isMapping(variant['network'])) document['network'] = mergeDeep(document['network'] ?? {}, variant['network']);
  for (const list of REPLACED_LISTS) {
    if (variant[list] !== undefined) document[list] = cloneJson(variant[list]);
  }
  return {
    document,
    overridePathOf(path: Path): Path | undefined {
      const [head, index, ...rest] = path;
      if (typeof head !== 'string') return undefined;
      if ((head === 'policy' || head === 'network') && hasPath(variant[head], [index ?? '', ...rest].filter((segment) => segment !== ''))) {
        return [...variantPath, ...path];
      }
      if ((REPLACED_LISTS as readonly string[]).includes(head) && variant[head] !== undefined) return [...variantPath, ...path];
      if (head in KEYED_COLLECTIONS && typeof index === 'number') {
        const idKey = KEYED_COLLECTIONS[head as keyof typeof KEYED_COLLECTIONS];
        const entry = (document[head] as unknown[])[index];
        const id = isMapping(entry) ? String(entry[idKey]) : '';
        const overrides = variant[head];
        if (isMapping(overrides) && hasPath(overrides[id], rest)) return [...variantPath, head, id, ...rest];
      }
      return undefined;
    },
  };
}

function hasPath(value: unknown, path: Path): boolean {
  if (value === undefined) return false;
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'string' && isMapping(current) && Object.hasOwn(current, segment)) current = current[segment];
    else if (typeof segment === 'number' && Array.isArray(current)) current = current[segment];
    else return false;
  }
  return current !== undefined;
}

function mergeDeep(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override)) return cloneJson(override);
  const merged: Record<string, unknown> = cloneJson(base);
  for (const [key, value] of Object.entries(override)) merged[key] = mergeDeep(merged[key], value);
  return merged;
}

function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isMapping(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = cloneJson(inner);
    return copy as T;
  }
  return value;
}
