import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TimelinePoint } from '@migsim/report';
import { loadScenario, type Scenario } from '@migsim/scenario';
import type { Subscription } from 'rxjs';
import { RunsService } from '../runs/runs.service';
import { LiveSamples } from './live-samples';
import { buildLiveSnapshot, type LiveSnapshot } from './live-snapshot';

interface SamplesEvent {
  run: string;
  vms: { variant: string; vm: string; points: TimelinePoint[] }[];
}

/**
 * The live page's memory: the VMs' timeline points as the hosts' `vm.samples`
 * batches arrive on the live stream (bounded, see LiveSamples), and the
 * snapshot of a run for a page opened mid-run.
 */
@Injectable()
export class LiveService implements OnApplicationShutdown {
  private readonly samples = new LiveSamples();
  /** Parsed scenarios by run id (a run's scenario text never changes). */
  private readonly scenarios = new Map<string, Scenario>();
  private readonly subscription: Subscription;

  constructor(@Inject(RunsService) private readonly runs: RunsService) {
    this.subscription = runs.live.subscribe((event) => {
      if (event.kind !== 'vm-samples') return;
      const batch = event.data as unknown as SamplesEvent;
      for (const vm of batch.vms) this.samples.add(batch.run, vm.variant, vm.vm, vm.points);
    });
  }

  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
  }

  /** The run as the page draws it; undefined for an unknown run. */
  snapshot(id: string, withSamples: boolean): LiveSnapshot | undefined {
    const record = this.runs.run(id);
    if (record === undefined) return undefined;
    let scenario = this.scenarios.get(id);
    if (scenario === undefined) {
      scenario = loadScenario(record.scenarioText, record.fileName);
      this.scenarios.set(id, scenario);
    }
    const simulatedMs = record.status === 'running' ? this.runs.simNowNs(record) / 1e6 : scenario.horizonNs / 1e6;
    return buildLiveSnapshot(record, scenario, withSamples ? this.samples.of(id) : null, simulatedMs);
  }
}
