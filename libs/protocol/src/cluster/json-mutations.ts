/**
 * Test helper (used by the specs only): breaks one spot of a valid parsed
 * message and says whether the decoders must refuse it and at which path.
 *
 * Mutations: drop a field (refused unless the field is optional), add an
 * unknown field, put a value of the wrong JSON type, make a number negative,
 * give an integer field a fraction.
 */
export const MUTATIONS = ['drop-field', 'add-field', 'wrong-type', 'negative', 'fraction'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Fields a message may leave out (`field?:` in the interfaces). */
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set([
  'downtime',
  'expected-downtime',
  'cpu-throttle-percentage',
  'error-desc',
  'postcopy-requests',
  'page-size',
  'urgent',
  'discardRanges',
  'detail',
  'lostWorkVcpuNs',
]);

/** Fields that take fractions (times, rates, byte quantities); every other number is an integer. */
const FRACTIONAL_FIELDS: ReadonlySet<string> = new Set([
  'sentNs',
  'deliverNs',
  'rateBytesPerSec',
  'burstRateBytesPerSec',
  'latencyNs',
  'durationNs',
  'startNs',
  'endNs',
  'lostWorkVcpuNs',
  'startMs',
  'endMs',
  'downtimeLimitNs',
  'maxBandwidthBytesPerSec',
  'afterNs',
  'completionTimeoutPerGiBNs',
  'progressTimeoutNs',
  'maxDowntimeNs',
  'delayNsPerGiB',
  'total-time',
  'downtime',
  'setup-time',
  'expected-downtime',
  'transferred',
  'remaining',
  'total',
  'normal-bytes',
  'dirty-pages-rate',
  'mbps',
  'precopy-bytes',
  'downtime-bytes',
  'postcopy-bytes',
  'cpu-throttle-percentage',
  'wireBytes',
]);

type Step = string | number;

interface JsonNode {
  readonly path: readonly Step[];
  readonly value: unknown;
}

export interface MutationCase {
  readonly mutated: unknown;
  /** The path the error must name (`$.batch.ranges[2]`), or null when the mutated value is still valid. */
  readonly refusedAt: string | null;
}

/** `mutation` applied at the `pick`-th eligible spot of `value` (a parsed JSON value), or undefined when none is eligible. */
export function mutate(value: unknown, mutation: Mutation, pick: number, prefix = '$'): MutationCase | undefined {
  const nodes = nodesOf(value, []).filter((node) => eligible(node, mutation));
  if (nodes.length === 0) return undefined;
  const node = nodes[pick % nodes.length]!;
  const mutated = structuredClone(value);
  const at = formatPath(prefix, node.path);
  switch (mutation) {
    case 'drop-field': {
      const key = node.path[node.path.length - 1] as string;
      delete (parentOf(mutated, node.path) as Record<string, unknown>)[key];
      return { mutated, refusedAt: OPTIONAL_FIELDS.has(key) ? null : at };
    }
    case 'add-field':
      (valueAt(mutated, node.path) as Record<string, unknown>).unexpected = 1;
      return { mutated, refusedAt: `${at}.unexpected` };
    case 'wrong-type':
      replace(mutated, node.path, typeof node.value === 'string' ? 7 : 'x');
      return { mutated, refusedAt: at };
    case 'negative':
      replace(mutated, node.path, -1);
      return { mutated, refusedAt: at };
    case 'fraction':
      replace(mutated, node.path, (node.value as number) + 0.5);
      return { mutated, refusedAt: at };
  }
}

function eligible(node: JsonNode, mutation: Mutation): boolean {
  const last = node.path[node.path.length - 1];
  switch (mutation) {
    case 'drop-field':
      return typeof last === 'string';
    case 'add-field':
      return isObject(node.value);
    case 'wrong-type':
      return node.path.length > 0;
    case 'negative':
      return typeof node.value === 'number';
    case 'fraction':
      return typeof node.value === 'number' && !FRACTIONAL_FIELDS.has(fieldOf(node.path));
  }
}

/** The field a node belongs to: its own key, or the key of the array holding it. */
function fieldOf(path: readonly Step[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    if (typeof step === 'string') return step;
  }
  return '';
}

function nodesOf(value: unknown, path: readonly Step[]): JsonNode[] {
  const nodes: JsonNode[] = [{ path, value }];
  if (Array.isArray(value)) value.forEach((item, index) => nodes.push(...nodesOf(item, [...path, index])));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) nodes.push(...nodesOf(item, [...path, key]));
  return nodes;
}

function formatPath(prefix: string, path: readonly Step[]): string {
  return prefix + path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly Step[]): unknown {
  let node = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node;
}

function parentOf(root: unknown, path: readonly Step[]): unknown {
  return valueAt(root, path.slice(0, -1));
}

function replace(root: unknown, path: readonly Step[], replacement: unknown): void {
  (parentOf(root, path) as Record<string | number, unknown>)[path[path.length - 1]!] = replacement;
}
