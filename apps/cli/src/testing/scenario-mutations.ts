import fc from 'fast-check';

/**
 * Mutations of a scenario document (plain data parsed from a shipped
 * scenario), for the property test that runs `migsim validate` and
 * `migsim simulate` on them. Each mutation is plain data, so fast-check
 * prints and shrinks it; `applyMutation` turns it into a new document.
 */
export type Mutation =
  | { readonly type: 'drop'; readonly at: number }
  | { readonly type: 'duplicate'; readonly at: number }
  | { readonly type: 'retype'; readonly at: number; readonly value: unknown }
  | { readonly type: 'extreme'; readonly at: number; readonly pick: number }
  | { readonly type: 'count'; readonly at: number; readonly count: number }
  | { readonly type: 'fault'; readonly pick: number; readonly hostAt: number }
  | { readonly type: 'sampling'; readonly interval: string; readonly maxPoints: number }
  | { readonly type: 'knob'; readonly knob: number; readonly at: number; readonly pick: number }
  | { readonly type: 'big-vm'; readonly at: number; readonly memory: string };

type Json = unknown;
type Path = readonly (string | number)[];

/** Extreme values by the kind of value they replace (recognised from how it is written). */
const EXTREMES: Readonly<Record<'duration' | 'rate' | 'size' | 'fraction' | 'integer' | 'other', readonly Json[]>> = {
  duration: ['0s', '1ns', '1h', '2000s', '2001s', '1000h', '2500h', '105d', 0, 1e12],
  rate: ['1bps', '1B/s', '1kbps', '100TB/s', '125TB/s', '1Tbps', 0, 1, 1e15],
  size: ['4KiB', '1TiB', '100TiB', '7PiB', '8PiB', 4096, 2 ** 53],
  fraction: ['0%', '100%', 0, 1, 1e-12, '99.9999%'],
  integer: [0, 1, 1000, 100_000, 1_000_000, 2 ** 31, 2 ** 53, -1, 1e308],
  other: ['', '1h', '100TB/s', '100TiB', 1e308, -1, 0],
};

const DURATION = /^\d+(\.\d+)?\s?(ns|us|µs|ms|s|m|h)/;
const RATE = /^\d+(\.\d+)?\s?[kKMGT]?i?(B\/s|bps|bit\/s)$/;
const SIZE = /^\d+(\.\d+)?\s?[kKMGTP]i?B$/;

function kindOf(value: Json): keyof typeof EXTREMES {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'fraction';
  if (typeof value !== 'string') return 'other';
  if (RATE.test(value)) return 'rate';
  if (SIZE.test(value)) return 'size';
  if (value.endsWith('%')) return 'fraction';
  if (DURATION.test(value)) return 'duration';
  return 'other';
}

/**
 * Knobs the issue tracker found broken at their extremes: where they are
 * written (paths relative to an entry of a top-level list, or absolute) and
 * the values to try.
 */
const KNOBS: readonly { readonly list: string | null; readonly path: Path; readonly values: readonly Json[] }[] = [
  { list: 'migrations', path: ['params', 'downtime-limit'], values: ['1h', '2000s', '2001s', 2_000_000, 0] },
  { list: 'migrations', path: ['params', 'max-bandwidth'], values: [1, '1bps', '100TB/s', 0] },
  { list: 'plans', path: ['params', 'downtime-limit'], values: ['1h', 2_000_001] },
  // Rates past a write set's saturation cost pages, not the rate; below it, a migration sees every write
  // (libs/guest README), so 10 GB/s on a migrating 4 GiB write set is a long run, not a bug this test looks for.
  { list: 'vms', path: ['workload', 'dirtyRate'], values: ['100TB/s', '125TB/s', '1TB/s', '500MB/s'] },
  { list: 'hosts', path: ['link'], values: ['1bps', '1kbps', '1Mbps', '1Tbps'] },
  { list: 'hosts', path: ['latency'], values: ['1h', '1000h', '0s'] },
  { list: null, path: ['policy', 'live_migration_downtime'], values: ['1h', '2000s'] },
  { list: null, path: ['policy', 'bandwidthPerMigration'], values: ['1bps', 1] },
];

/** Sets `value` at `path` under `root`, creating the mappings on the way. */
function setDeep(root: Record<string, Json>, path: Path, value: Json): void {
  let node = root as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string | number, Json>;
  }
  node[path[path.length - 1]!] = value;
}

/** Faults the scenario README documents, aimed at a host of the scenario. */
function faultFor(pick: number, host: string): Json {
  const faults: Json[] = [
    { kind: 'latency', host, latency: '20ms', at: '0s' },
    { kind: 'latency', host, latency: '1000h', at: '1s', duration: '5s' },
    { kind: 'link-down', host, at: '1s', duration: '2s' },
    { kind: 'bandwidth-drop', host, bandwidth: '1bps', at: '0s' },
    { kind: 'destination-crash', host, at: '0s' },
  ];
  return faults[pick % faults.length];
}

/** Every path into a JSON-like value, parents before children. */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  const here: Path[] = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((item, index) => pathsOf(item, [...prefix, index])));
  if (value !== null && typeof value === 'object') return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...prefix, key])));
  return here;
}

function parentOf(document: Json, path: Path): Record<string | number, Json> {
  let parent = document as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  return parent;
}

function valueAt(document: Json, path: Path): Json {
  return path.length === 0 ? document : parentOf(document, path)[path[path.length - 1]!];
}

function setAt(document: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  parentOf(document, path)[path[path.length - 1]!] = value;
  return document;
}

function isMapping(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Paths of the entries of a top-level list (`hosts`, `vms`...) that are still mappings (an earlier mutation may have retyped the list or an entry). */
function entriesOf(document: Json, list: string): Path[] {
  const items = (document as Record<string, Json>)[list];
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: Json, index) => (isMapping(item) ? [[list, index] as Path] : []));
}

/** Applies one mutation to a copy of `document`. */
export function applyMutation(document: Json, mutation: Mutation): Json {
  const copy = structuredClone(document) as Json;
  const paths = pathsOf(copy).filter((path) => path.length > 0);
  const pathAt = (at: number): Path => paths[at % paths.length]!;
  switch (mutation.type) {
    case 'drop': {
      const path = pathAt(mutation.at);
      const parent = parentOf(copy, path);
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete parent[path[path.length - 1]!];
      return copy;
    }
    case 'duplicate': {
      const lists = paths.filter((path) => Array.isArray(valueAt(copy, path)) && (valueAt(copy, path) as Json[]).length > 0);
      if (lists.length === 0) return copy;
      const list = valueAt(copy, lists[mutation.at % lists.length]!) as Json[];
      list.push(structuredClone(list[mutation.at % list.length]));
      return copy;
    }
    case 'retype':
      return setAt(copy, pathAt(mutation.at), mutation.value);
    case 'extreme': {
      // The horizon is left alone: simulated time is what a run's work follows, so a longer one is a longer run.
      const leaves = paths.filter((path) => {
        const value = valueAt(copy, path);
        return path[0] !== 'horizon' && (value === null || typeof value !== 'object');
      });
      const path = leaves[mutation.at % leaves.length]!;
      const pool = EXTREMES[kindOf(valueAt(copy, path))];
      return setAt(copy, path, pool[mutation.pick % pool.length]);
    }
    case 'count': {
      const entries = [...entriesOf(copy, 'hosts'), ...entriesOf(copy, 'vms')];
      if (entries.length === 0) return copy;
      const entry = valueAt(copy, entries[mutation.at % entries.length]!) as Record<string, Json>;
      entry['count'] = mutation.count;
      return copy;
    }
    case 'fault': {
      const hosts = entriesOf(copy, 'hosts').map((path) => (valueAt(copy, path) as Record<string, Json>)['name']);
      const host = String(hosts[mutation.hostAt % hosts.length]).replace('{i}', '1');
      const record = copy as Record<string, Json>;
      const written = Array.isArray(record['faults']) ? (record['faults'] as Json[]) : [];
      record['faults'] = [...written, faultFor(mutation.pick, host)];
      return copy;
    }
    case 'sampling':
      (copy as Record<string, Json>)['sampling'] = { interval: mutation.interval, maxPoints: mutation.maxPoints };
      return copy;
    case 'knob': {
      const knob = KNOBS[mutation.knob % KNOBS.length]!;
      const value = knob.values[mutation.pick % knob.values.length];
      if (knob.list === null) {
        setDeep(copy as Record<string, Json>, knob.path, value);
        return copy;
      }
      const entries = entriesOf(copy, knob.list);
      if (entries.length === 0) return copy;
      setDeep(valueAt(copy, entries[mutation.at % entries.length]!) as Record<string, Json>, knob.path, value);
      return copy;
    }
    case 'big-vm': {
      // A VM as large as written, on a host a little larger: the shape and the references stay valid.
      const vms = entriesOf(copy, 'vms');
      if (vms.length === 0) return copy;
      const vm = valueAt(copy, vms[mutation.at % vms.length]!) as Record<string, Json>;
      vm['memory'] = mutation.memory;
      delete vm['count'];
      const workload = vm['workload'];
      if (isMapping(workload)) delete workload['workingSet'];
      for (const host of entriesOf(copy, 'hosts')) (valueAt(copy, host) as Record<string, Json>)['memory'] = '8000TiB';
      return copy;
    }
  }
}

const index = fc.nat({ max: 10_000 });

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ type: fc.constant('drop' as const), at: index }),
  fc.record({ type: fc.constant('duplicate' as const), at: index }),
  fc.record({
    type: fc.constant('retype' as const),
    at: index,
    value: fc.constantFrom<Json>(null, true, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }),
  }),
  { arbitrary: fc.record({ type: fc.constant('extreme' as const), at: index, pick: index }), weight: 4 },
  fc.record({ type: fc.constant('count' as const), at: index, count: fc.constantFrom(20_000, 100_000, 1_000_000) }),
  fc.record({ type: fc.constant('fault' as const), pick: index, hostAt: index }),
  { arbitrary: fc.record({ type: fc.constant('knob' as const), knob: index, at: index, pick: index }), weight: 4 },
  fc.record({ type: fc.constant('big-vm' as const), at: index, memory: fc.constantFrom('64GiB', '1TiB', '100TiB') }),
  fc.record({
    type: fc.constant('sampling' as const),
    interval: fc.constantFrom('1ms', '10ms', '1s'),
    maxPoints: fc.constantFrom(1000, 100_000, 1_000_000),
  }),
);
