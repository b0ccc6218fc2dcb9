import type { QueryMigrateInfo } from '@migsim/migration';
import { seriesStyle, type ReportEvent, type TimelinePoint } from '@migsim/report';
import type { Scenario } from '@migsim/scenario';
import type { RunRecord, VariantState } from '../runs/run-record';
import type { RunSamples } from './live-samples';
import { migrationView } from '../runs/migration-state';

/** Events of each variant a snapshot carries (the newest); the page's feed shows as many. */
export const SNAPSHOT_EVENTS = 60;

export interface LiveSnapshot {
  run: {
    id: string;
    status: RunRecord['status'];
    scenario: string;
    description: string;
    speed: number;
    epochMs: number;
    simulatedMs: number;
    horizonMs: number;
    samplingMs: number;
    error: string | null;
  };
  /** Host columns: every host of every variant, in scenario order. */
  hosts: string[];
  variants: LiveVariant[];
}

export interface LiveVariant {
  name: string;
  description: string;
  /** The variant's series colour and dash pattern, as in the HTML report (libs/report seriesStyle). */
  color: string;
  dash: string;
  done: boolean;
  hosts: { name: string; recovery: string; crashed: boolean }[];
  vms: { name: string; host: string; memoryBytes: number; vcpus: number; lost: boolean }[];
  migrations: {
    id: string;
    vm: string;
    source: string;
    destination: string;
    status: string;
    outcome: string;
    attempt: number;
    phase: { phase: string; round: number | null } | null;
    info: QueryMigrateInfo | null;
  }[];
  events: ReportEvent[];
  /** Per VM name, its timeline so far (omitted when the caller asked for no samples). */
  samples?: Record<string, readonly TimelinePoint[]>;
}

/**
 * What the live page needs to draw a run it opened mid-way (or after the
 * end): the hosts as columns, each variant's VMs where they run now, its
 * migrations with their last `query-migrate` reply, its newest events and
 * the VMs' timelines. A completed VM report's timeline wins over the live
 * samples (it is the whole history).
 */
export function buildLiveSnapshot(record: RunRecord, scenario: Scenario, samples: RunSamples | null, simulatedMs: number): LiveSnapshot {
  const hosts: string[] = [];
  for (const variant of scenario.variants) for (const host of variant.hosts) if (!hosts.includes(host.name)) hosts.push(host.name);
  return {
    run: {
      id: record.id,
      status: record.status,
      scenario: scenario.name,
      description: scenario.description,
      speed: record.speed,
      epochMs: record.epochMs,
      simulatedMs: Math.min(simulatedMs, scenario.horizonNs / 1e6),
      horizonMs: scenario.horizonNs / 1e6,
      samplingMs: scenario.sampling.intervalNs / 1e6,
      error: record.error,
    },
    hosts,
    variants: record.variants.map((state, index) => liveVariant(state, scenario, index, samples, simulatedMs * 1e6)),
  };
}

function liveVariant(state: VariantState, scenario: Scenario, index: number, samples: RunSamples | null, nowNs: number): LiveVariant {
  const spec = scenario.variants.find((variant) => variant.name === state.name);
  if (spec === undefined) throw new Error(`variant ${state.name} is not in scenario ${scenario.name}`);
  const style = seriesStyle(index);
  const variant: LiveVariant = {
    name: state.name,
    description: spec.description,
    color: style.color,
    dash: style.dash,
    done: state.done,
    hosts: spec.hosts.map((host) => ({
      name: host.name,
      recovery: host.kernel.recovery,
      crashed: state.downHosts.some((down) => down.host === host.name && (down.untilNs === null || down.untilNs > nowNs)),
    })),
    vms: spec.vms.map((vm) => ({
      name: vm.name,
      host: currentHost(state, vm.name, vm.host),
      memoryBytes: vm.memoryBytes,
      vcpus: vm.vcpus,
      lost: state.vmReports[vm.name]?.lost === true || state.migrations.some((migration) => migration.vm === vm.name && migration.vmLost),
    })),
    migrations: state.migrations.map(migrationView),
    events: state.events.slice(-SNAPSHOT_EVENTS),
  };
  if (samples !== null) {
    variant.samples = Object.fromEntries(spec.vms.map((vm) => [vm.name, state.vmReports[vm.name]?.report.timeline ?? samples.get(`${state.name}/${vm.name}`) ?? []]));
  }
  return variant;
}

/** Where the VM runs now: the destination of the last migration of it that completed, else where it started. */
function currentHost(state: VariantState, vm: string, initialHost: string): string {
  let host = initialHost;
  let lastEndMs = -Infinity;
  for (const migration of state.migrations) {
    if (migration.vm !== vm) continue;
    for (const attempt of migration.attempts) {
      if (attempt.outcome === 'completed' && (attempt.endMs ?? -Infinity) >= lastEndMs) {
        host = migration.destination;
        lastEndMs = attempt.endMs ?? lastEndMs;
      }
    }
  }
  return host;
}
