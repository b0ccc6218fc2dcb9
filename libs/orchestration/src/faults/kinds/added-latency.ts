import type { FaultKind, NetworkScope } from '../fault-kind';
import { invalidFault, parseNetworkScope, requiredNumber, resolvePath, scheduleRevert } from '../fault-kind';

/**
 * Adds one-way latency to a path (post-copy page requests pay it twice per
 * remote fault), or to a host's access link: every path through the host
 * pays it, as a slow switch port or a congested uplink would make it.
 */
export const addedLatency: FaultKind<{ scope: NetworkScope; latencyNs: number }> = {
  kind: 'latency',
  description: 'add one-way latency to a path (migration / between two hosts) or to every path through a host',
  parse(spec) {
    return { scope: parseNetworkScope(spec), latencyNs: requiredNumber(spec, 'latencyNs') };
  },
  apply({ scope, latencyNs }, spec, target) {
    if ('host' in scope) {
      if (!target.hostExists(scope.host)) throw invalidFault(spec, `no host named "${scope.host}"`);
      target.addHostLatency(scope.host, latencyNs);
      scheduleRevert(spec, target, () => target.addHostLatency(scope.host, -latencyNs));
      return;
    }
    const path = resolvePath(scope, spec, target);
    if (path === undefined) return;
    target.addPathLatency(path[0], path[1], latencyNs);
    scheduleRevert(spec, target, () => target.addPathLatency(path[0], path[1], -latencyNs));
  },
};
