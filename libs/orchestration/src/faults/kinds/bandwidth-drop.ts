import type { FaultKind, NetworkScope } from '../fault-kind';
import { parseNetworkScope, requiredNumber, resolvePath, scheduleRevert } from '../fault-kind';

/** A path or a host NIC drops to `bandwidthBytesPerSec`. */
export const bandwidthDrop: FaultKind<{ scope: NetworkScope; bandwidthBytesPerSec: number }> = {
  kind: 'bandwidth-drop',
  description: 'cap a path (migration / between two hosts) or a host NIC to a lower bandwidth',
  parse(spec) {
    return { scope: parseNetworkScope(spec), bandwidthBytesPerSec: requiredNumber(spec, 'bandwidthBytesPerSec') };
  },
  apply({ scope, bandwidthBytesPerSec }, spec, target) {
    if ('host' in scope) {
      const before = target.hostNicRate(scope.host);
      target.setHostNicRate(scope.host, bandwidthBytesPerSec);
      scheduleRevert(spec, target, () => target.setHostNicRate(scope.host, before));
      return;
    }
    const path = resolvePath(scope, spec, target);
    if (path === undefined) return;
    target.setPathCap(path[0], path[1], bandwidthBytesPerSec);
    scheduleRevert(spec, target, () => target.setPathCap(path[0], path[1], Infinity));
  },
};
