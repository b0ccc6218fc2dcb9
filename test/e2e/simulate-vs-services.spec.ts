import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecoveryReport } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { servicesStackPerTest } from './support/services-stack-per-test';

const FLAGSHIP = 'scenarios/failed-migration-recovery.yaml';
const flagshipText = readFileSync(fileURLToPath(new URL(`../../${FLAGSHIP}`, import.meta.url)), 'utf8');
const EVACUATE = 'scenarios/evacuate-host.yaml';
const evacuateText = readFileSync(fileURLToPath(new URL(`../../${EVACUATE}`, import.meta.url)), 'utf8');
const FLAKY = 'scenarios/flaky-network.yaml';
const flakyText = readFileSync(fileURLToPath(new URL(`../../${FLAKY}`, import.meta.url)), 'utf8');
const PROBE = 'scenarios/dirty-rate-probe.yaml';
const probeText = readFileSync(fileURLToPath(new URL(`../../${PROBE}`, import.meta.url)), 'utf8');

/**
 * Tolerances between the two drivers. The services see the phase that
 * triggers the fault a queue hop after the source entered it (a few
 * simulated seconds at 20x), so the source has split a little more memory
 * when logging stops; everything measured after that must still agree.
 */
const TOLERANCE = {
  timeTo95PctMs: 50,
  finalHugeFraction: 0.02,
  refaultsRelative: 0.1,
  lostWorkVcpuSecondsAbsolute: 0.25,
  lostWorkRelative: 0.1,
};

const newStack = servicesStackPerTest();

describe('services vs simulate: the flagship scenario', () => {
  it('ends every migration the same way and recovers within the stated tolerance', async () => {
    const inProcess = simulate(loadScenario(flagshipText, FLAGSHIP));
    // 20x: the phase-triggered crash is a queue hop behind the source, and on a loaded machine a hop at 40x was
    // over half a second, 25 s of simulated migration that the engine does not see.
    const stack = newStack({ label: 'vs-simulate', speed: 20 });
    await stack.start();
    const id = await stack.submit(flagshipText, FLAGSHIP);
    const run = await stack.waitForRun(id, 110_000);
    expect(run.status, stack.logs()).toBe('completed');
    const services = await stack.report(id);

    expect(services.engine).toBe('services');
    expect(Object.keys(services).sort()).toEqual(Object.keys(inProcess).sort());
    expect(services.variants.map((variant) => variant.name)).toEqual(inProcess.variants.map((variant) => variant.name));
    for (const [index, expected] of inProcess.variants.entries()) {
      const actual = services.variants[index]!;
      expect(actual.migrations.map((m) => [m.id, m.outcome])).toEqual(expected.migrations.map((m) => [m.id, m.outcome]));
      expect(actual.checks.filter((check) => !check.passed)).toEqual([]);
      const want = expected.vms[0]!.recoveries[0]!;
      const got = actual.vms[0]!.recoveries[0]!;
      expect(got.strategy).toBe(want.strategy);
      expectClose(expected.name, got, want);
    }
  });
});

/**
 * The services' watchdog sees `ram.remaining` in the source's progress
 * reports, every 5 s of simulated time (the engine's sees every step), and the
 * cancel it sends takes a queue hop or two: an attempt the progress timeout
 * aborts may end up to that much later than in the engine.
 */
const ABORT_LATENESS_MS = 5_000 + 5_000;

describe('services vs simulate: link faults on a shared NIC (flaky-network)', () => {
  it('paces the flows as the engine does: same outcomes, total times within 15 % (aborts: no earlier, and late by at most a progress period and two hops)', async () => {
    const inProcess = simulate(loadScenario(flakyText, FLAKY));
    // Four 4 GiB VMs are built before simulated time 0 (the start delay), so every migration starts on time;
    // at 10x a queue hop of a loaded machine is a second or two of simulated time, not five.
    const stack = newStack({ label: 'vs-simulate-links', speed: 10, extraEnv: { MIGSIM_START_DELAY_MS: '3000' } });
    await stack.start({ sourceHosts: ['src-1'], destinationHosts: ['dst-1', 'dst-2'] });
    const id = await stack.submit(flakyText, FLAKY);
    const run = await stack.waitForRun(id, 110_000);
    expect(run.status, stack.logs()).toBe('completed');
    const services = await stack.report(id);
    for (const [index, expected] of inProcess.variants.entries()) {
      const actual = services.variants[index]!;
      expect(actual.migrations.map((m) => [m.id, m.outcome]), expected.name).toEqual(expected.migrations.map((m) => [m.id, m.outcome]));
      expect(actual.checks.filter((check) => !check.passed), expected.name).toEqual([]);
      for (const [m, want] of expected.migrations.entries()) {
        const got = actual.migrations[m]!;
        const wantMs = want.attempts.at(-1)!.endMs! - want.attempts.at(-1)!.startMs;
        const gotMs = got.attempts.at(-1)!.endMs! - got.attempts.at(-1)!.startMs;
        const where = `${expected.name}/${want.id}: services ${gotMs} ms vs simulate ${wantMs} ms`;
        if (want.outcome === 'aborted') {
          expect(gotMs, where).toBeGreaterThanOrEqual(0.85 * wantMs);
          expect(gotMs, where).toBeLessThanOrEqual(1.15 * wantMs + ABORT_LATENESS_MS);
        } else {
          expect(Math.abs(gotMs - wantMs), where).toBeLessThanOrEqual(0.15 * wantMs);
        }
      }
    }
  });
});

describe('services vs simulate: a drain plan (evacuate-host)', () => {
  it('probes every VM, then generates the same migrations to the same destinations, and src-1 is drained', async () => {
    const inProcess = simulate(loadScenario(evacuateText, EVACUATE));
    // 20 VMs are built before simulated time 0; 20x keeps the page stream close to the simulated bandwidth.
    const stack = newStack({ label: 'vs-simulate-drain', speed: 20, extraEnv: { MIGSIM_START_DELAY_MS: '5000' } });
    await stack.start({ sourceHosts: ['src-1'], destinationHosts: ['dst-1', 'dst-2', 'dst-3', 'dst-4'] });
    const id = await stack.submit(evacuateText, EVACUATE);
    const run = await stack.waitForRun(id, 150_000);
    expect(run.status, stack.logs()).toBe('completed');
    const services = await stack.report(id);
    const expected = inProcess.variants[0]!;
    const actual = services.variants[0]!;
    expect(actual.migrations.map((m) => [m.id, m.vm, m.destination, m.outcome])).toEqual(expected.migrations.map((m) => [m.id, m.vm, m.destination, m.outcome]));
    expect(actual.migrations).toHaveLength(20);
    expect(actual.checks.filter((check) => !check.passed)).toEqual([]);
    expect(actual.checks.map((check) => check.kind)).toContain('host-drained');
    // The plan measured every VM first (page-sampling probes, 1 s from 5 s), as the engine did, and ordered by what it measured.
    expect(probeEvents(actual.events, false)).toEqual(probeEvents(expected.events, false));
    expect(probeEvents(actual.events, false).filter((line) => line.includes('probe-ended'))).toHaveLength(20);
    expectSameRates('evacuate-host', actual.events, expected.events);
    const planStarted = (events: Events) => events.filter((event) => event.kind === 'plan-started').map((event) => `${event.subject}: ${event.detail}`);
    expect(planStarted(actual.events)).toEqual(planStarted(expected.events));
  }, 200_000);
});

describe('services vs simulate: dirty-rate probes (dirty-rate-probe)', () => {
  it('runs each probe on the source host as the engine does: same events, the same measured rate, the same recovery after a dirty-bitmap probe', async () => {
    const inProcess = simulate(loadScenario(probeText, PROBE));
    // The 16 GiB VM is built before simulated time 0; the probe starts 10 s later (0.5 s of wall time at 20x).
    const stack = newStack({ label: 'vs-simulate-probe', speed: 20, extraEnv: { MIGSIM_START_DELAY_MS: '3000' } });
    // The scenario has no destination; the destination process serves an unused dst-1.
    await stack.start({ sourceHosts: ['host-1'] });
    const id = await stack.submit(probeText, PROBE);
    const run = await stack.waitForRun(id, 110_000);
    expect(run.status, stack.logs()).toBe('completed');
    const services = await stack.report(id);
    for (const [index, expected] of inProcess.variants.entries()) {
      const actual = services.variants[index]!;
      expect(probeEvents(actual.events), expected.name).toEqual(probeEvents(expected.events));
      expectSameRates(expected.name, actual.events, expected.events);
      expect(actual.checks.filter((check) => !check.passed), expected.name).toEqual([]);
      expect(actual.checks.map((check) => check.kind)).toEqual(expected.checks.map((check) => check.kind));
      const want = expected.vms[0]!.recoveries;
      const got = actual.vms[0]!.recoveries;
      expect(got.map((r) => [r.strategy, r.trigger, r.cause]), expected.name).toEqual(want.map((r) => [r.strategy, r.trigger, r.cause]));
      for (const [r, wantRecovery] of want.entries()) expectClose(expected.name, got[r]!, wantRecovery);
    }
    // The kernel with the lazy collapse is back on huge pages; the one without stays split.
    const recovered = (name: string) => services.variants.find((variant) => variant.name === name)!.vms[0]!.recoveries[0]!;
    expect(recovered('dirty-bitmap-linux-4.1').timeTo95PctMs).not.toBeNull();
    expect(recovered('dirty-bitmap-linux-4.0').timeTo95PctMs).toBeNull();
  });
});

describe('services vs simulate: a VM migrated twice', () => {
  const TWICE = `name: twice
description: vm-1 moves to dst-1, then on to dst-2
seed: 5
horizon: 60s
hosts:
  - { name: src-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
  - { name: dst-2, link: 1Gbps, memory: 16GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 2, backing: thp, workload: { pattern: sequential, writeWorkingSet: 256MiB, dirtyRate: 20MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 2s }
  - { id: m2, vm: vm-1, to: dst-2, at: 4s }
`;

  it('runs the second migration after the first, from where the VM went, and both verify memory', async () => {
    const inProcess = simulate(loadScenario(TWICE, 'twice.yaml'));
    const stack = newStack({ label: 'vs-simulate-twice', speed: 10 });
    await stack.start({ sourceHosts: ['src-1'], destinationHosts: ['dst-1', 'dst-2'] });
    const id = await stack.submit(TWICE, 'twice.yaml');
    const run = await stack.waitForRun(id, 110_000);
    expect(run.status, stack.logs()).toBe('completed');
    const services = await stack.report(id);
    const expected = inProcess.variants[0]!;
    const actual = services.variants[0]!;
    const moves = (migrations: typeof actual.migrations) => migrations.map((m) => [m.id, m.source, m.destination, m.outcome]);
    expect(moves(expected.migrations)).toEqual([
      ['m1', 'src-1', 'dst-1', 'completed'],
      ['m2', 'dst-1', 'dst-2', 'completed'],
    ]);
    expect(moves(actual.migrations), stack.logs()).toEqual(moves(expected.migrations));
    // m2 waited for m1: it started when m1 ended (in the services, a queue hop or two later).
    const [m1, m2] = actual.migrations.map((m) => m.attempts[0]!);
    expect(m2!.startMs).toBeGreaterThanOrEqual(m1!.endMs!);
    expect(m2!.startMs - m1!.endMs!).toBeLessThanOrEqual(3_000);
    expect(actual.vms[0]!.host).toBe('dst-2');
    expect(actual.checks.filter((check) => !check.passed)).toEqual([]);
  });
});

type Events = readonly { tMs: number; kind: string; subject: string; detail: string }[];

/**
 * The probes' story: when each started and ended, and (`withLogging`) the
 * dirty logging and recovery around them. Sorted: events of the same
 * simulated time reach the services' controller in whatever order the queue
 * delivers them (twenty probes end at once in evacuate-host).
 */
function probeEvents(events: Events, withLogging = true): string[] {
  const kinds = withLogging ? /^(probe-|dirty-logging-|recovery-started)/ : /^probe-/;
  return events
    .filter((event) => kinds.test(event.kind))
    .map((event) => `${event.tMs} ${event.kind} ${event.subject}`)
    .sort();
}

/** Each probe measured the same dirty rate (within 2 %) in both drivers. */
function expectSameRates(where: string, got: Events, want: Events): void {
  const rates = (events: Events) => new Map(events.filter((event) => event.kind === 'probe-ended').map((event) => [event.subject, Number(/: (\d+) bytes\/s/.exec(event.detail)![1])]));
  const [gotRates, wantRates] = [rates(got), rates(want)];
  expect([...gotRates.keys()], where).toEqual([...wantRates.keys()]);
  for (const [probe, rate] of wantRates) expect(Math.abs(gotRates.get(probe)! - rate), `${where} ${probe}: services ${gotRates.get(probe)} vs simulate ${rate}`).toBeLessThanOrEqual(0.02 * rate);
}

function expectClose(variant: string, got: RecoveryReport, want: RecoveryReport): void {
  const where = `${variant}: services ${JSON.stringify(got)} vs simulate ${JSON.stringify(want)}`;
  if (want.timeTo95PctMs === null) expect(got.timeTo95PctMs, where).toBeNull();
  else expect(Math.abs(got.timeTo95PctMs! - want.timeTo95PctMs), where).toBeLessThanOrEqual(TOLERANCE.timeTo95PctMs);
  expect(Math.abs(got.finalHugeFraction - want.finalHugeFraction), where).toBeLessThanOrEqual(TOLERANCE.finalHugeFraction);
  expect(Math.abs(got.refaults - want.refaults), where).toBeLessThanOrEqual(TOLERANCE.refaultsRelative * Math.max(1, want.refaults));
  const lostTolerance = Math.max(TOLERANCE.lostWorkVcpuSecondsAbsolute, TOLERANCE.lostWorkRelative * want.lostWorkVcpuSeconds);
  expect(Math.abs(got.lostWorkVcpuSeconds - want.lostWorkVcpuSeconds), where).toBeLessThanOrEqual(lostTolerance);
}
