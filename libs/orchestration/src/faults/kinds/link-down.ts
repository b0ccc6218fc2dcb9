import type { FaultKind, NetworkScope } from '../fault-kind';
import { parseNetworkScope, resolvePath, scheduleRevert } from '../fault-kind';

/** The link of a migration's path, between two hosts, or of one host goes down (rate 0). */
export const linkDown: FaultKind<NetworkScope> = {
  kind: 'link-down',
  description: 'take a path (migration / between two hosts) or a host NIC down',
  parse: parseNetworkScope,
  apply(scope, spec, target) {
    if ('host' in scope) {
      target.setHostLinkDown(scope.host, true);
      scheduleRevert(spec, target, () => target.setHostLinkDown(scope.host, false));
      return;
    }
    const path = resolvePath(scope, spec, target);
    if (path === undefined) return;
    target.setPathDown(path[0], path[1], true);
    scheduleRevert(spec, target, () => target.setPathDown(path[0], path[1], false));
  },
};
