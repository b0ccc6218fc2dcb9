import type { ControllerActor, MigrationRecord } from '@migsim/cluster';
import type { QueryMigrateInfo } from '@migsim/migration';
import { seriesStyle, type Report, type ReportEvent, type TimelinePoint } from '@migsim/report';
import type { Scenario } from '@migsim/scenario';
import type { RunRecord } from '../runs/run-record';
import type { LiveNews } from './live-news';

/** Events of each variant a snapshot carries (the newest); the page's feed shows as many. */
export const SNAPSHOT_EVENTS = 60;

export interface LiveSnapshot {
  run: {
    id: string;
    status: RunRecord['status'];
    scenario: string;
    description: string;
    /** Virtual seconds per wall second (0: unpaced, as fast as the processes go). */
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

export interface LiveMigration {
  id: string;
  vm: string;
  source: string;
  destination: string;
  status: 'pending' | 'running' | 'retry-wait' | 'done';
  outcome: string;
  attempt: number;
  phase: { phase: string; round: number | null } | null;
  info: QueryMigrateInfo | null;
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
  migrations: LiveMigration[];
  events: ReportEvent[];
  /** Per VM name, its timeline so far (omitted when the caller asked for no samples). */
  samples?: Record<string, readonly TimelinePoint[]>;
}

export interface LiveSources {
  record: RunRecord;
  scenario: Scenario;
  /** The run's controllers while it runs (one per variant); empty once it ended. */
  controllers: readonly ControllerActor[];
  news: LiveNews;
  /** The report of a completed run: the whole story, which wins over the live news. */
  report: Report | null;
  simulatedMs: number;
  withSamples: boolean;
}

/**
 * What the live page needs to draw a run it opened mid-way (or after the
 * end): the hosts as columns, each variant's VMs where they run now, its
 * migrations with their last `query-migrate` reply, its newest events and
 * the VMs' timelines. While the run goes, that is the controllers' own view
 * (migration records, placement, events) plus what the shards reported of
 * their hosts; once it completed, it is the report.
 */
export function buildLiveSnapshot(sources: LiveSources): LiveSnapshot {
  const { record, scenario } = sources;
  const hosts: string[] = [];
  for (const variant of scenario.variants) for (const host of variant.hosts) if (!hosts.includes(host.name)) hosts.push(host.name);
  return {
    run: {
      id: record.id,
      status: record.status,
      scenario: scenario.name,
      description: scenario.description,
      speed: record.speed ?? 0,
      epochMs: record.epochMs,
      simulatedMs: Math.min(sources.simulatedMs, scenario.horizonNs / 1e6),
      horizonMs: scenario.horizonNs / 1e6,
      samplingMs: scenario.sampling.intervalNs / 1e6,
      error: record.error,
    },
    hosts,
    variants: scenario.variants.map((_, index) => liveVariant(sources, index)),
  };
}

function liveVariant(sources: LiveSources, index: number): LiveVariant {
  const spec = sources.scenario.variants[index]!;
  const style = seriesStyle(index);
  const fromReport = sources.report?.variants.find((variant) => variant.name === spec.name);
  const controller = sources.controllers[index];
  const news = sources.news.of(sources.record.id, spec.name);
  const variant: LiveVariant = {
    name: spec.name,
    description: spec.description,
    color: style.color,
    dash: style.dash,
    done: fromReport !== undefined,
    hosts: spec.hosts.map((host) => ({
      name: host.name,
      recovery: host.kernel.recovery,
      crashed: fromReport === undefined && (news.downHosts.has(host.name) || controller?.view.isUp(host.name) === false),
    })),
    vms: spec.vms.map((vm) => {
      const reported = fromReport?.vms.find((candidate) => candidate.name === vm.name);
      return {
        name: vm.name,
        host: reported?.host ?? controller?.view.hostOf(vm.name) ?? vm.host,
        memoryBytes: vm.memoryBytes,
        vcpus: vm.vcpus,
        lost: fromReport !== undefined ? fromReport.events.some((event) => event.kind === 'vm-lost' && event.subject === vm.name) : controller?.view.stateOf(vm.name) === 'lost',
      };
    }),
    migrations:
      fromReport !== undefined
        ? fromReport.migrations.map((migration) => ({
            id: migration.id,
            vm: migration.vm,
            source: migration.source,
            destination: migration.destination,
            status: 'done' as const,
            outcome: migration.outcome,
            attempt: migration.attempts.length,
            phase: null,
            info: migration.attempts.at(-1)?.info ?? null,
          }))
        : [...(controller?.records.values() ?? [])].map((migration) => liveMigration(migration, spec.vms.find((vm) => vm.name === migration.vmName)!.host, news.migrations.get(migration.id))),
    events: (fromReport?.events ?? mergedEvents(controller, news.events)).slice(-SNAPSHOT_EVENTS),
  };
  if (sources.withSamples) {
    variant.samples = Object.fromEntries(
      spec.vms.map((vm) => [vm.name, fromReport?.vms.find((candidate) => candidate.name === vm.name)?.timeline ?? sources.news.timeline(sources.record.id, spec.name, vm.name)]),
    );
  }
  return variant;
}

function liveMigration(record: MigrationRecord, initialHost: string, news: { attempt: number; phase: string; round: number | null; info: QueryMigrateInfo } | undefined): LiveMigration {
  const running = record.running;
  const current = running !== undefined && news !== undefined && news.attempt === running.attempt ? news : undefined;
  return {
    id: record.id,
    vm: record.vmName,
    source: running?.source ?? record.sourceHost ?? initialHost,
    destination: record.destinationHost,
    status: running !== undefined ? 'running' : record.queued ? (record.attempts.length > 0 ? 'retry-wait' : 'pending') : 'done',
    outcome: record.outcome,
    attempt: running?.attempt ?? record.attempts.length,
    phase: current === undefined ? null : { phase: current.phase, round: current.round },
    info: current?.info ?? record.attempts.at(-1)?.info ?? null,
  };
}

function mergedEvents(controller: ControllerActor | undefined, hostEvents: readonly ReportEvent[]): ReportEvent[] {
  const events: ReportEvent[] = (controller?.eventLog ?? []).map((event) => ({ tMs: event.tNs / 1e6, kind: event.kind, subject: event.subject, detail: event.detail }));
  // Stable: at one instant the controller's events come first, as in the report.
  return [...events, ...hostEvents].sort((a, b) => a.tMs - b.tMs);
}
