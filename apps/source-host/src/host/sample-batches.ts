import type { TimelinePoint } from '@migsim/report';

/** A hosted VM's timeline as the batcher sees it. */
export interface SampledVm {
  /** `<run>/<variant>/<vm>`: unique in the process. */
  readonly key: string;
  readonly run: string;
  readonly variant: string;
  readonly name: string;
  /** The simulated host the VM runs on now (it moves with a completed migration). */
  readonly host: string;
  readonly points: readonly TimelinePoint[];
}

/** Body of one `vm.samples` host event: the new points of every VM of one run on one host. */
export interface SampleBatch {
  readonly run: string;
  readonly host: string;
  readonly vms: { variant: string; vm: string; points: TimelinePoint[] }[];
}

/**
 * Ships the VMs' timelines to the controller's live view in batches: each
 * call takes the points recorded since the previous one, grouped by run and
 * host, so a heartbeat period's samples travel as one message per run and
 * host, never one job per point. A timeline only grows (points are appended
 * at the sampling interval), so the batcher remembers how many it sent.
 */
export class SampleBatcher {
  private readonly sent = new Map<string, number>();

  take(vms: Iterable<SampledVm>): SampleBatch[] {
    const batches = new Map<string, SampleBatch>();
    for (const vm of vms) {
      const from = this.sent.get(vm.key) ?? 0;
      if (vm.points.length <= from) continue;
      this.sent.set(vm.key, vm.points.length);
      const id = `${vm.run}\n${vm.host}`;
      let batch = batches.get(id);
      if (batch === undefined) {
        batch = { run: vm.run, host: vm.host, vms: [] };
        batches.set(id, batch);
      }
      batch.vms.push({ variant: vm.variant, vm: vm.name, points: vm.points.slice(from) });
    }
    return [...batches.values()];
  }

  /** Drops what is remembered of a VM that left the process. */
  forget(key: string): void {
    this.sent.delete(key);
  }
}
