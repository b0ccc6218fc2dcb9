import type { MigrationReport, Report, VariantReport } from '@migsim/report';
import type { Scenario } from '@migsim/scenario';
import { scenarioFrom } from '@migsim/scenario/testing';
import { simulate, type SimulateOptions } from './simulate';

/**
 * Test builders for engine runs: a small scenario (the scenario library's
 * minimal document — two hosts, one 4 GiB VM, one migration at 5 s — with
 * top-level keys replaced), run in process.
 */
export function smallScenario(patch: Record<string, unknown> = {}): Scenario {
  return scenarioFrom(patch, 'engine-test.yaml');
}

/** Runs `patch` over the minimal scenario and returns its single (or first) variant. */
export function runSmall(patch: Record<string, unknown> = {}, options: SimulateOptions = {}): VariantReport {
  return simulate(smallScenario(patch), options).variants[0]!;
}

export function migrationOf(variant: VariantReport, id: string): MigrationReport {
  const migration = variant.migrations.find((m) => m.id === id);
  if (migration === undefined) throw new Error(`no migration ${id} in variant ${variant.name}`);
  return migration;
}

export function checkOf(variant: VariantReport, name: string): VariantReport['checks'][number] {
  const check = variant.checks.find((c) => c.name === name);
  if (check === undefined) throw new Error(`no check ${name} in variant ${variant.name}: ${variant.checks.map((c) => c.name).join(', ')}`);
  return check;
}

export function variantOf(report: Report, name: string): VariantReport {
  const variant = report.variants.find((v) => v.name === name);
  if (variant === undefined) throw new Error(`no variant ${name}`);
  return variant;
}

/** The greatest number of migrations of `variant` running at once, overall and per source / destination host. */
export function peakConcurrency(variant: VariantReport): { cluster: number; outbound: Map<string, number>; inbound: Map<string, number> } {
  const edges: { t: number; delta: number; source: string; destination: string }[] = [];
  for (const migration of variant.migrations) {
    for (const attempt of migration.attempts) {
      if (attempt.phases.length === 0) continue;
      const end = attempt.endMs ?? Infinity;
      edges.push({ t: attempt.startMs, delta: 1, source: migration.source, destination: migration.destination });
      edges.push({ t: end, delta: -1, source: migration.source, destination: migration.destination });
    }
  }
  // Ends before starts at the same instant: a slot freed at t can be reused at t.
  edges.sort((a, b) => a.t - b.t || a.delta - b.delta);
  let cluster = 0;
  let peak = 0;
  const out = new Map<string, number>();
  const inn = new Map<string, number>();
  const outPeak = new Map<string, number>();
  const inPeak = new Map<string, number>();
  for (const edge of edges) {
    cluster += edge.delta;
    peak = Math.max(peak, cluster);
    out.set(edge.source, (out.get(edge.source) ?? 0) + edge.delta);
    inn.set(edge.destination, (inn.get(edge.destination) ?? 0) + edge.delta);
    outPeak.set(edge.source, Math.max(outPeak.get(edge.source) ?? 0, out.get(edge.source)!));
    inPeak.set(edge.destination, Math.max(inPeak.get(edge.destination) ?? 0, inn.get(edge.destination)!));
  }
  return { cluster: peak, outbound: outPeak, inbound: inPeak };
}
export { buildDrainStudy, drainStudyDocument, drainStudyWorkingSetBytes, DRAIN_STUDY, type DrainStudy, type DrainStudyVm } from './drain-study';
