import type { ScenarioVariant } from '@migsim/scenario';

export type ViewedVmState = 'running' | 'down' | 'lost';

/**
 * Where the controller believes each VM runs and which hosts are up, from
 * what it did (crashing a host) and what hosts told it (`vm.resumed`,
 * `migration.ended`). It lags the hosts by a control latency, as a real
 * controller's view of its cluster does.
 */
export class ClusterView {
  private readonly vmHost = new Map<string, string | undefined>();
  private readonly vmState = new Map<string, ViewedVmState>();
  private readonly down = new Set<string>();

  constructor(variant: ScenarioVariant) {
    for (const vm of variant.vms) {
      this.vmHost.set(vm.name, vm.host);
      this.vmState.set(vm.name, 'running');
    }
  }

  hostOf(vm: string): string | undefined {
    return this.vmHost.get(vm);
  }

  stateOf(vm: string): ViewedVmState {
    return this.vmState.get(vm) ?? 'lost';
  }

  isUp(host: string): boolean {
    return !this.down.has(host);
  }

  setHostUp(host: string, up: boolean): void {
    if (up) this.down.delete(host);
    else this.down.add(host);
  }

  /** The VM runs on `host` now. */
  moved(vm: string, host: string): void {
    this.vmHost.set(vm, host);
    this.vmState.set(vm, 'running');
  }

  lost(vm: string): void {
    this.vmHost.set(vm, undefined);
    this.vmState.set(vm, 'lost');
  }

  /** Every VM on a crashed host goes down with it (its memory stays there). */
  hostCrashed(host: string): void {
    for (const [vm, where] of this.vmHost) if (where === host && this.vmState.get(vm) !== 'lost') this.vmState.set(vm, 'down');
  }

  /** VM names on `host` (VMs down with a crashed host count), in scenario order. */
  vmsOn(host: string): string[] {
    const names: string[] = [];
    for (const [vm, where] of this.vmHost) if (where === host && this.vmState.get(vm) !== 'lost') names.push(vm);
    return names;
  }

  /** Every VM that still has a host, with it, in scenario order. */
  placed(): { vm: string; host: string }[] {
    const placed: { vm: string; host: string }[] = [];
    for (const [vm, host] of this.vmHost) if (host !== undefined && this.vmState.get(vm) !== 'lost') placed.push({ vm, host });
    return placed;
  }
}
