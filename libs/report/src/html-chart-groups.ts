import type { ChartBand, ChartLevel, ChartMarker, ChartSeries, ChartSpec, SeriesShape } from './html-chart';
import { interestingVms } from './interesting-vms';
import { phaseLabel } from './migration-totals';
import type { RecoveryReport, Report, TimelinePoint, VariantReport, VmReport } from './report-model';

/**
 * One VM's charts: its throughput and huge-page coverage over time, with one
 * series per variant overlaid (the flagship's five strategies on one plot),
 * its migrations' phases as bands and the run's faults as markers; then, per
 * recovery, the same two curves zoomed on the moments after dirty logging
 * was switched off.
 */
export interface ChartGroup {
  vm: string;
  /** Why this VM is charted (a recovery, a failed, slow or degraded migration), for the caption. */
  reason: string;
  legend: { name: string; styleIndex: number }[];
  throughput: ChartSpec;
  coverage: ChartSpec;
  /** One per recovery of the VM (matched across variants by what triggered it), in time order. */
  closeUps: RecoveryCloseUp[];
}

/**
 * A recovery close-up: time runs from the moment each variant switched dirty
 * logging off (its recovery's `startMs` is 0), so that variants whose
 * recoveries started at different times still line up, and a 10 ms dip is
 * as wide as the chart allows.
 */
export interface RecoveryCloseUp {
  /** What switched dirty logging off, e.g. `migration-failed m-1`. */
  cause: string;
  /** Each charted variant's recovery start, in run time. */
  startMsByVariant: { variant: string; startMs: number }[];
  throughput: ChartSpec;
  coverage: ChartSpec;
}

/** More charts than this make the page slow to read; the tables keep every VM. */
export const MAX_CHARTED_VMS = 12;
/** Close-ups per VM; a VM with more recoveries than this shows its first ones. */
export const MAX_CLOSE_UPS_PER_VM = 4;

export function chartGroups(report: Report): { groups: ChartGroup[]; omittedVmCount: number } {
  const charted = chartedVmOrder(report);
  const groups = charted.slice(0, MAX_CHARTED_VMS).map((entry, index) => chartGroup(report, entry.vm, entry.reason, index));
  return { groups, omittedVmCount: Math.max(0, charted.length - MAX_CHARTED_VMS) };
}

/**
 * Which VMs to chart, by interest, never by name: those whose recovery was
 * measured first, then those of the failed, the slowest and the most
 * degraded migrations (`interestingVms`), then any other migrated VM, then
 * the rest; only VMs with a timeline in some variant. Ties in report order.
 */
function chartedVmOrder(report: Report): { vm: string; reason: string }[] {
  const withTimeline = new Set(report.variants.flatMap((variant) => variant.vms.filter((vm) => vm.timeline.length > 0).map((vm) => vm.name)));
  const chosen: { vm: string; reason: string }[] = [];
  const taken = new Set<string>();
  const take = (vm: string, reason: string) => {
    if (taken.has(vm) || !withTimeline.has(vm)) return;
    taken.add(vm);
    chosen.push({ vm, reason });
  };
  for (const variant of report.variants) for (const vm of variant.vms) if (vm.recoveries.length > 0) take(vm.name, `recovered after ${vm.recoveries[0]!.cause}`);
  for (const interesting of interestingVms(report.variants)) take(interesting.vm, `${interesting.reason}: ${interesting.migration}`);
  for (const variant of report.variants) for (const migration of variant.migrations) take(migration.vm, `migrated: ${migration.id}`);
  for (const vm of withTimeline) take(vm, 'not migrated');
  return chosen;
}

interface VmRun {
  variant: VariantReport;
  vm: VmReport;
  styleIndex: number;
}

type TimelineValue = (point: TimelinePoint) => number;
const throughputOf: TimelineValue = (point) => point.relativeThroughput;
const coverageOf: TimelineValue = (point) => point.hugeFraction;

/** One series per variant, its times shifted by `originMs(run)` (0 for the whole-run charts). */
function seriesOf(runs: readonly VmRun[], value: TimelineValue, shape: SeriesShape, originMs: (run: VmRun) => number = () => 0): ChartSeries[] {
  return runs.map((run) => {
    const origin = originMs(run);
    return {
      name: run.variant.name,
      styleIndex: run.styleIndex,
      shape,
      points: run.vm.timeline.map((point) => ({ tMs: point.tMs - origin, value: value(point) })),
    };
  });
}

/**
 * Room above the highest value, in tenths: throughput can exceed the
 * baseline. A loop, not `Math.max(...values)`: spreading a timeline of a
 * million points into arguments overflows the call stack.
 */
function throughputYMax(series: readonly ChartSeries[]): number {
  let highest = 1;
  for (const item of series) for (const point of item.points) if (point.value > highest) highest = point.value;
  return Math.ceil(highest * 10) / 10;
}

function chartGroup(report: Report, vm: string, reason: string, groupIndex: number): ChartGroup {
  const runs: VmRun[] = [];
  report.variants.forEach((variant, styleIndex) => {
    const vmReport = variant.vms.find((candidate) => candidate.name === vm);
    if (vmReport) runs.push({ variant, vm: vmReport, styleIndex });
  });
  const throughput = seriesOf(runs, throughputOf, 'interval-mean');
  const bands = phaseBands(runs.map((run) => run.variant), vm);
  const markers = chartMarkers(runs.map((run) => run.variant), vm);
  const common = {
    xMinMs: 0,
    xMaxMs: report.horizonMs,
    xAxisLabel: 'simulated time',
    timeFrom: 'run-start' as const,
    bands,
    markers,
    markerLabels: 'in-plot' as const,
    levels: [],
    size: 'wide' as const,
  };
  return {
    vm,
    reason,
    legend: runs.map((run) => ({ name: run.variant.name, styleIndex: run.styleIndex })),
    throughput: {
      ...common,
      id: `chart-throughput-${groupIndex}`,
      title: `${vm}: throughput relative to the same VM never migrated`,
      yAxisLabel: 'throughput (% of baseline)',
      yMax: throughputYMax(throughput),
      series: throughput,
    },
    coverage: {
      ...common,
      id: `chart-coverage-${groupIndex}`,
      title: `${vm}: memory mapped by huge (2 MiB / 1 GiB) SPTEs`,
      yAxisLabel: 'huge-page coverage (% of memory)',
      yMax: 1,
      series: seriesOf(runs, coverageOf, 'instant'),
    },
    closeUps: recoveryGroups(runs)
      .slice(0, MAX_CLOSE_UPS_PER_VM)
      .map((recoveries, index) => closeUp(report, vm, runs, recoveries, `${groupIndex}-${index}`)),
  };
}

/**
 * The VM's recoveries matched across variants: the n-th recovery a variant
 * had for the same trigger and cause (e.g. the failure of m-1) belongs with
 * the n-th of every other variant. Groups in order of their first start.
 */
function recoveryGroups(runs: readonly VmRun[]): Map<VmRun, RecoveryReport>[] {
  const groups = new Map<string, Map<VmRun, RecoveryReport>>();
  for (const run of runs) {
    const seen = new Map<string, number>();
    for (const recovery of run.vm.recoveries) {
      const cause = `${recovery.trigger} ${recovery.cause}`;
      const occurrence = seen.get(cause) ?? 0;
      seen.set(cause, occurrence + 1);
      const key = `${cause}#${occurrence}`;
      if (!groups.has(key)) groups.set(key, new Map());
      groups.get(key)!.set(run, recovery);
    }
  }
  const firstStart = (group: Map<VmRun, RecoveryReport>): number => [...group.values()].reduce((earliest, recovery) => Math.min(earliest, recovery.startMs), Infinity);
  return [...groups.values()].sort((a, b) => firstStart(a) - firstStart(b));
}

function closeUp(report: Report, vm: string, allRuns: readonly VmRun[], recoveries: Map<VmRun, RecoveryReport>, id: string): RecoveryCloseUp {
  const runs = allRuns.filter((run) => recoveries.has(run));
  const startOf = (run: VmRun): number => recoveries.get(run)!.startMs;
  const first = recoveries.values().next().value!;
  const cause = `${first.trigger} ${first.cause}`;
  const window = recoveryWindow([...recoveries.values()], report.horizonMs);
  // A fault only has a place on the relative axis when every variant switched logging off at the same time.
  // Phase bands stay in the whole-run charts: the close-up's top margin holds the marker labels.
  const starts = new Set(runs.map(startOf));
  const sharedStartMs = starts.size === 1 ? [...starts][0]! : null;
  const faults =
    sharedStartMs === null
      ? []
      : chartMarkers(runs.map((run) => run.variant), vm)
          .filter((marker) => marker.kind === 'fault')
          .map((marker) => ({ ...marker, tMs: marker.tMs - sharedStartMs }));
  const markers: ChartMarker[] = [...faults, { tMs: 0, label: 'dirty logging off', kind: 'logging-off' as const }].sort((a, b) => a.tMs - b.tMs);
  const throughput = seriesOf(runs, throughputOf, 'interval-mean', startOf);
  const common = {
    ...window,
    xAxisLabel: 'time since dirty logging was switched off',
    timeFrom: 'logging-off' as const,
    bands: [],
    markers,
    markerLabels: 'above' as const,
    size: 'half' as const,
  };
  return {
    cause,
    startMsByVariant: runs.map((run) => ({ variant: run.variant.name, startMs: startOf(run) })),
    throughput: {
      ...common,
      id: `chart-throughput-close-up-${id}`,
      title: `${vm}: throughput after dirty logging off (close-up)`,
      yAxisLabel: 'throughput (% of baseline)',
      yMax: throughputYMax(throughput),
      series: throughput,
      levels: RECOVERY_LEVELS,
    },
    coverage: {
      ...common,
      id: `chart-coverage-close-up-${id}`,
      title: `${vm}: huge-page coverage after dirty logging off (close-up)`,
      yAxisLabel: 'huge-page coverage (% of memory)',
      yMax: 1,
      series: seriesOf(runs, coverageOf, 'instant', startOf),
      levels: [],
    },
  };
}

/** The levels the recovery comparison times: reached and held from then on. */
const RECOVERY_LEVELS: readonly ChartLevel[] = [
  { value: 0.9, label: '90 %' },
  { value: 0.95, label: '95 %' },
];

/** Shortest close-up after logging off: a recovery faster than this is shown in this much context. */
const MIN_CLOSE_UP_AFTER_MS = 20;
/** A close-up of recoveries that never got back to 90 % shows this long after logging off. */
const UNRECOVERED_CLOSE_UP_AFTER_MS = 10_000;
/** The close-up starts this share of its "after" span before logging off, to show the level it left. */
const CLOSE_UP_BEFORE_SHARE = 0.2;

/**
 * The close-up's window, in time since logging off: from 1/5 of the span
 * before it to the first round value (1, 2 or 5 x 10^k ms) past 1.5 x the
 * slowest time to 99 % (or 95, or 90 % for a recovery that did not get that
 * far), so that every variant that recovered is seen back; not past the end
 * of the data.
 */
export function recoveryWindow(recoveries: readonly RecoveryReport[], horizonMs: number): { xMinMs: number; xMaxMs: number } {
  const reached = recoveries
    .map((recovery) => Math.max(recovery.timeTo99PctMs ?? recovery.timeTo95PctMs ?? recovery.timeTo90PctMs ?? -1, recovery.disable.simulatedMs))
    .filter((ms) => ms >= 0);
  const anyRecovered = recoveries.some((recovery) => recovery.timeTo90PctMs !== null);
  const wantedMs = anyRecovered ? roundUp(Math.max(MIN_CLOSE_UP_AFTER_MS, reached.reduce((most, ms) => Math.max(most, ms), -Infinity) * 1.5)) : UNRECOVERED_CLOSE_UP_AFTER_MS;
  const remainingMs = recoveries.reduce((most, recovery) => Math.max(most, horizonMs - recovery.startMs), -Infinity);
  const afterMs = Math.max(1, Math.min(wantedMs, remainingMs));
  const earliestStartMs = recoveries.reduce((earliest, recovery) => Math.min(earliest, recovery.startMs), Infinity);
  return { xMinMs: -Math.min(afterMs * CLOSE_UP_BEFORE_SHARE, earliestStartMs), xMaxMs: afterMs };
}

/** The smallest 1, 2 or 5 x 10^k at or above `value`. */
function roundUp(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 5, 10].find((candidate) => candidate * magnitude >= value - 1e-9)!;
  return factor * magnitude;
}

/** The VM's migration phases in every variant, identical intervals drawn once. */
function phaseBands(variants: readonly VariantReport[], vm: string): ChartBand[] {
  const seen = new Set<string>();
  const bands: ChartBand[] = [];
  for (const variant of variants) {
    for (const migration of variant.migrations) {
      if (migration.vm !== vm) continue;
      for (const attempt of migration.attempts) {
        for (const phase of attempt.phases) {
          const key = `${phase.phase}|${phase.round}|${phase.startMs}|${phase.endMs}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const label = phaseLabel(phase);
          const shortLabel = phase.phase === 'round' ? `r${phase.round}` : phase.phase === 'stop-and-copy' ? 'sc' : phase.phase === 'postcopy' ? 'pc' : 's';
          bands.push({ startMs: phase.startMs, endMs: phase.endMs, label, shortLabel, kind: phase.phase });
        }
      }
    }
  }
  return bands;
}

/** Every fault of the run, and when this VM's dirty logging was switched off; duplicates across variants drawn once. */
function chartMarkers(variants: readonly VariantReport[], vm: string): ChartMarker[] {
  const seen = new Set<string>();
  const markers: ChartMarker[] = [];
  for (const variant of variants) {
    for (const event of variant.events) {
      let marker: ChartMarker | null = null;
      if (event.kind === 'fault') marker = { tMs: event.tMs, label: `${event.subject}: ${event.detail}`, kind: 'fault' };
      else if (event.kind === 'dirty-logging-disabled' && event.subject === vm) {
        marker = { tMs: event.tMs, label: 'dirty logging off', kind: 'logging-off' };
      }
      if (marker === null) continue;
      const key = `${marker.kind}|${marker.tMs}|${marker.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      markers.push(marker);
    }
  }
  return markers.sort((a, b) => a.tMs - b.tMs);
}
