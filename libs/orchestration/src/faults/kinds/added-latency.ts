import type { FaultKind, NetworkScope } from '../fault-kind';
import { invalidFault, parseNetworkScope, requiredNumber, resolvePath, scheduleRevert } from '../fault-kind';

/** Adds one-way latency to a path (post-copy page requests pay it twice per remote fault). */
export const addedLatency: FaultKind<{ scope: NetworkScope; latencyNs: number }> = {
  kind: 'latency',
  description: 'add one-way latency to a path (migration / between two hosts)',
  parse(spec) {
    const scope = parseNetworkScope(spec);
    if ('host' in scope) throw invalidFault(spec, 'latency applies to a path: give migration or between');
    return { scope, latencyNs: requiredNumber(spec, 'latencyNs') };
  },
  apply({ scope, latencyNs }, spec, target) {
    const path = resolvePath(scope, spec, target);
    if (path === undefined) return;
    target.addPathLatency(path[0], path[1], latencyNs);
    scheduleRevert(spec, target, () => target.addPathLatency(path[0], path[1], -latencyNs));
  },
};
