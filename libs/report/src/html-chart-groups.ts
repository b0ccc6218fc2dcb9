import type { ChartBand, ChartMarker, ChartSeries, ChartSpec } from './html-chart';
import { phaseLabel } from './migration-totals';
import type { Report, VariantReport, VmReport } from './report-model';

/**
 * One VM's charts: its throughput and huge-page coverage over time, with one
 * series per variant overlaid (the flagship's five strategies on one plot),
 * its migrations' phases as bands and the run's faults as markers.
 */
export interface ChartGroup {
  vm: string;
  legend: { name: string; styleIndex: number }[];
  throughput: ChartSpec;
  coverage: ChartSpec;
  /** The same two charts zoomed on the recovery, when the VM had one. */
  closeUp: { throughput: ChartSpec; coverage: ChartSpec } | null;
}

/** More charts than this make the page slow to read; the tables keep every VM. */
export const MAX_CHARTED_VMS = 12;

export function chartGroups(report: Report): { groups: ChartGroup[]; omittedVmCount: number } {
  const vmNames = chartedVmOrder(report);
  const groups = vmNames.slice(0, MAX_CHARTED_VMS).map((vm, index) => chartGroup(report, vm, index));
  return { groups, omittedVmCount: Math.max(0, vmNames.length - MAX_CHARTED_VMS) };
}

/** VMs that recovered first, then migrated ones, then the rest; ties in report order. */
function chartedVmOrder(report: Report): string[] {
  const rank = new Map<string, number>();
  report.variants.forEach((variant) => {
    const migrated = new Set(variant.migrations.map((migration) => migration.vm));
    for (const vm of variant.vms) {
      const vmRank = vm.recoveries.length > 0 ? 0 : migrated.has(vm.name) ? 1 : 2;
      rank.set(vm.name, Math.min(rank.get(vm.name) ?? 2, vmRank));
    }
  });
  const names = [...rank.keys()];
  return names
    .map((name, order) => ({ name, order, rank: rank.get(name)! }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map((entry) => entry.name);
}

function chartGroup(report: Report, vm: string, groupIndex: number): ChartGroup {
  const runs: { variant: VariantReport; vm: VmReport; styleIndex: number }[] = [];
  report.variants.forEach((variant, styleIndex) => {
    const vmReport = variant.vms.find((candidate) => candidate.name === vm);
    if (vmReport) runs.push({ variant, vm: vmReport, styleIndex });
  });
  const seriesOf = (value: (point: VmReport['timeline'][number]) => number): ChartSeries[] =>
    runs.map((run) => ({
      name: run.variant.name,
      styleIndex: run.styleIndex,
      points: run.vm.timeline.map((point) => ({ tMs: point.tMs, value: value(point) })),
    }));
  const throughput = seriesOf((point) => point.relativeThroughput);
  const maxThroughput = Math.max(1, ...throughput.flatMap((series) => series.points.map((point) => point.value)));
  const bands = phaseBands(runs.map((run) => run.variant), vm);
  const markers = chartMarkers(runs.map((run) => run.variant), vm);
  const coverage = seriesOf((point) => point.hugeFraction);
  const common = { xMinMs: 0, xMaxMs: report.horizonMs, bands, markers, size: 'wide' as const };
  const throughputChart = {
    ...common,
    id: `chart-throughput-${groupIndex}`,
    title: `${vm}: throughput relative to the same VM never migrated`,
    yAxisLabel: 'throughput (% of baseline)',
    yMax: Math.ceil(maxThroughput * 10) / 10,
    series: throughput,
  };
  const coverageChart = {
    ...common,
    id: `chart-coverage-${groupIndex}`,
    title: `${vm}: memory mapped by huge (2 MiB / 1 GiB) SPTEs`,
    yAxisLabel: 'huge-page coverage (% of memory)',
    yMax: 1,
    series: coverage,
  };
  const closeUpWindow = recoveryWindow(runs.map((run) => run.vm), report.horizonMs);
  return {
    vm,
    legend: runs.map((run) => ({ name: run.variant.name, styleIndex: run.styleIndex })),
    throughput: throughputChart,
    coverage: coverageChart,
    closeUp:
      closeUpWindow === null
        ? null
        : {
            throughput: {
              ...throughputChart,
              ...closeUpWindow,
              size: 'half',
              id: `chart-throughput-close-up-${groupIndex}`,
              title: `${vm}: throughput around the recovery (close-up)`,
            },
            coverage: {
              ...coverageChart,
              ...closeUpWindow,
              size: 'half',
              id: `chart-coverage-close-up-${groupIndex}`,
              title: `${vm}: huge-page coverage around the recovery (close-up)`,
            },
          },
  };
}

/** Minimum close-up span: shorter recoveries are shown in this much context. */
const MIN_CLOSE_UP_MS = 10_000;

/**
 * The window of the close-up: from a little before the first time dirty
 * logging was switched off to 1.5 x the slowest time to 99 % (or 10 s).
 */
export function recoveryWindow(vms: readonly VmReport[], horizonMs: number): { xMinMs: number; xMaxMs: number } | null {
  const recoveries = vms.flatMap((vm) => vm.recoveries);
  if (recoveries.length === 0) return null;
  const startMs = Math.min(...recoveries.map((recovery) => recovery.startMs));
  const slowestMs = Math.max(...recoveries.map((recovery) => recovery.startMs - startMs + (recovery.timeTo99PctMs ?? 0)));
  const spanMs = Math.max(MIN_CLOSE_UP_MS, slowestMs * 1.5);
  const xMinMs = Math.max(0, startMs - spanMs * 0.15);
  return { xMinMs, xMaxMs: Math.min(horizonMs, xMinMs + spanMs) };
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
