import type { VmSpec } from '@migsim/scenario';

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
  /** The VMs each host holds (running or down with it), for the per-host questions of a 20,000-VM cluster. */
  private readonly onHost = new Map<string, Set<string>>();
  /** Each VM's position in the scenario: the order per-host lists are given in. */
  private readonly order = new Map<string, number>();

  constructor(variant: { readonly vms: readonly Pick<VmSpec, 'name' | 'host'>[] }) {
    for (const vm of variant.vms) {
      this.order.set(vm.name, this.order.size);
      this.vmHost.set(vm.name, vm.host);
      this.vmState.set(vm.name, 'running');
      this.place(vm.name, vm.host);
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
    this.unplace(vm);
    this.vmHost.set(vm, host);
    this.vmState.set(vm, 'running');
    this.place(vm, host);
  }

  lost(vm: string): void {
    this.unplace(vm);
    this.vmHost.set(vm, undefined);
    this.vmState.set(vm, 'lost');
  }

  /** Every VM on a crashed host goes down with it (its memory stays there). */
  hostCrashed(host: string): void {
    for (const vm of this.vmsOn(host)) this.vmState.set(vm, 'down');
  }

  /** VM names on `host` (VMs down with a crashed host count), in scenario order. */
  vmsOn(host: string): string[] {
    const held = this.onHost.get(host);
    if (held === undefined) return [];
    return [...held].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Every VM that still has a host, with it, in scenario order. */
  placed(): { vm: string; host: string }[] {
    const placed: { vm: string; host: string }[] = [];
    for (const [vm, host] of this.vmHost) if (host !== undefined && this.vmState.get(vm) !== 'lost') placed.push({ vm, host });
    return placed;
  }

  private place(vm: string, host: string): void {
    let held = this.onHost.get(host);
    if (held === undefined) this.onHost.set(host, (held = new Set()));
    held.add(vm);
  }

  private unplace(vm: string): void {
    const host = this.vmHost.get(vm);
    if (host !== undefined) this.onHost.get(host)?.delete(vm);
  }
}
