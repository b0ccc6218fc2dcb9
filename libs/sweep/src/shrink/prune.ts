import { parseDuration } from '@migsim/scenario';

/**
 * Document surgery for the shrinker: after a VM, host, migration or fault
 * is cut, whatever named it goes too, so the file still loads. Works on the
 * plain document (a scenario file as data) with every `count` expanded.
 */
type Doc = Record<string, unknown>;
type Entry = Record<string, unknown>;

export function list(doc: Doc, key: string): Entry[] {
  const value = doc[key];
  return Array.isArray(value) ? (value as Entry[]) : [];
}

/** `count: N` entries written out one by one (`web-{i}` -> web-1 .. web-N): the same scenario, finer to cut. */
export function expandCounts(doc: Doc): Doc {
  const copy = clone(doc);
  for (const key of ['hosts', 'vms']) {
    if (!Array.isArray(copy[key])) continue;
    copy[key] = list(copy, key).flatMap((entry) => {
      const count = entry['count'];
      if (typeof count !== 'number') return [entry];
      const template = String(entry['name']);
      const pattern = template.includes('{i}') ? template : `${template}-{i}`;
      const { count: _count, ...rest } = entry;
      return Array.from({ length: count }, (_, i) => ({ ...clone(rest), name: pattern.replaceAll('{i}', String(i + 1)) }));
    });
  }
  return copy;
}

/** The ids of every migration the document declares or a drain plan generates. */
export function migrationIds(doc: Doc): Set<string> {
  const ids = new Set(list(doc, 'migrations').map((migration) => String(migration['id'])));
  for (const plan of list(doc, 'plans')) {
    if (typeof plan['drain'] !== 'string') continue;
    const id = typeof plan['id'] === 'string' ? plan['id'] : `drain-${plan['drain']}`;
    for (const vm of list(doc, 'vms')) if (vm['host'] === plan['drain']) ids.add(`${id}/${String(vm['name'])}`);
  }
  return ids;
}

/** Removes every entry that names a host, VM or migration the document no longer has, until nothing changes. */
export function prune(input: Doc): Doc {
  let doc = clone(input);
  for (;;) {
    const before = JSON.stringify(doc);
    const hosts = new Set(list(doc, 'hosts').map((host) => String(host['name'])));
    doc['vms'] = list(doc, 'vms').filter((vm) => hosts.has(String(vm['host'])));
    const vms = new Set(list(doc, 'vms').map((vm) => String(vm['name'])));
    if (Array.isArray(doc['migrations'])) doc['migrations'] = list(doc, 'migrations').filter((m) => vms.has(String(m['vm'])) && hosts.has(String(m['to'])));
    if (Array.isArray(doc['plans'])) {
      doc['plans'] = list(doc, 'plans').flatMap((plan) => {
        if (typeof plan['drain'] === 'string') {
          if (!hosts.has(plan['drain'])) return [];
          if (!Array.isArray(plan['to'])) return [plan];
          const to = (plan['to'] as unknown[]).filter((host) => hosts.has(String(host)));
          return to.length === 0 ? [] : [{ ...plan, to }];
        }
        if (Array.isArray(plan['balance'])) {
          const balance = (plan['balance'] as unknown[]).filter((host) => hosts.has(String(host)));
          return balance.length < 2 ? [] : [{ ...plan, balance }];
        }
        return [plan];
      });
    }
    if (Array.isArray(doc['probes'])) doc['probes'] = list(doc, 'probes').filter((probe) => vms.has(String(probe['vm'])));
    const migrations = migrationIds(doc);
    if (Array.isArray(doc['faults'])) {
      doc['faults'] = list(doc, 'faults').filter((fault) => {
        const when = fault['when'] as Entry | undefined;
        if (when !== undefined && !migrations.has(String(when['migration']))) return false;
        for (const key of ['host', 'from', 'to']) if (typeof fault[key] === 'string' && !hosts.has(fault[key])) return false;
        return typeof fault['migration'] !== 'string' || migrations.has(fault['migration']);
      });
    }
    if (Array.isArray(doc['checks'])) {
      doc['checks'] = list(doc, 'checks').filter(
        (check) =>
          (typeof check['vm'] !== 'string' || vms.has(check['vm'])) &&
          (typeof check['host'] !== 'string' || hosts.has(check['host'])) &&
          (typeof check['migration'] !== 'string' || migrations.has(check['migration'])),
      );
    }
    if (JSON.stringify(doc) === before) return doc;
    doc = clone(doc);
  }
}

/** The same document with the horizon at `horizonNs` and everything scheduled after it removed. */
export function withHorizon(input: Doc, horizonNs: number): Doc {
  const doc = clone(input);
  doc['horizon'] = `${Math.round(horizonNs / 1e9)}s`;
  const after = (entry: Entry, key: string) => {
    const parsed = parseDuration(entry[key], { allowZero: true });
    return parsed.ok && parsed.value > horizonNs;
  };
  for (const key of ['faults', 'migrations', 'plans', 'probes']) {
    if (Array.isArray(doc[key])) doc[key] = list(doc, key).filter((entry) => !after(entry, 'at'));
  }
  if (Array.isArray(doc['checks'])) doc['checks'] = list(doc, 'checks').filter((check) => !after(check, 'by'));
  return prune(doc);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
