import type { Report } from '@migsim/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComposeProject, requirePodman, sleep } from './support/compose-project';

/**
 * docker-compose.yml run for real by podman-compose (host networking through
 * compose.hostnet.yml, so all traffic stays on loopback): the flagship that
 * `up` starts by itself, then a destination container killed mid-migration.
 * Run with `npm run test:compose`; never skipped: without podman it fails
 * saying what to install.
 */
const project = new ComposeProject({ redisImage: process.env.MIGSIM_REDIS_IMAGE || 'localhost/migsim-redis:7', destinationHosts: 2 });
let flagshipRunId = '';

interface RunSummary {
  id: string;
  status: 'running' | 'completed' | 'failed';
  scenario: string;
  error: string | null;
}

interface RunDetail extends RunSummary {
  variants: { name: string; migrations: { id: string; status: string; outcome: string; phase: { phase: string; round: number | null } | null }[] }[];
}

/** Reads go without a token; anything else carries the controller's (the compose file passes MIGSIM_API_TOKEN through). */
async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const authorization: Record<string, string> = init?.method === undefined || init.method === 'GET' ? {} : { authorization: `Bearer ${project.apiToken}` };
  const response = await fetch(`${project.url}${path}`, { ...init, headers: { ...(init?.headers as Record<string, string>), ...authorization }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls until `probe` returns a value (errors count as "not yet": containers may still be starting). */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${lastError === '' ? '' : ` (last error: ${lastError})`}\n${await project.allLogs()}`);
}

function completed(id: string): Promise<RunSummary> {
  return until(`run ${id} finishing`, 300_000, async () => {
    const run = await api<RunSummary>(`/runs/${id}`);
    return run.status === 'running' ? undefined : run;
  });
}

function containerOf(service: string): Promise<string[]> {
  return project.containers().then((names) => names.filter((name) => name.startsWith(`${project.name}_${service}_`)));
}

/** Two 8 GiB VMs of src-1 migrating at once, one to each destination replica; no simulated fault. */
const KILL_SCENARIO = `name: compose-destination-killed
seed: 11
horizon: 420s
sampling: { interval: 1s }
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 32, kernel: { mmu: tdp, pml: true, recovery: recover-in-place } }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 32 }
  - { name: dst-2, link: 1Gbps, memory: 64GiB, vcpus: 32 }
vms:
  - { name: vm-1, host: src-1, memory: 8GiB, vcpus: 4, backing: thp, workload: { pattern: sequential, writeWorkingSet: 2GiB, dirtyRate: 25MB/s } }
  - { name: vm-2, host: src-1, memory: 8GiB, vcpus: 4, backing: thp, workload: { pattern: sequential, writeWorkingSet: 2GiB, dirtyRate: 25MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 10s, params: { downtime-limit: 300ms, max-bandwidth: 125MB/s } }
  - { id: m2, vm: vm-2, to: dst-2, at: 10s, params: { downtime-limit: 300ms, max-bandwidth: 125MB/s } }
`;

beforeAll(async () => {
  await requirePodman(project.options.redisImage);
  await project.build();
  await project.up();
}, 900_000);

afterAll(async () => {
  await project.forceRemove();
}, 120_000);

describe('docker-compose.yml under podman-compose (host networking)', () => {
  it('compose: `up` runs the flagship by itself, its report has the five recoveries and every check passed, and every service is healthy', async () => {
    const run = await until('the flagship run started by MIGSIM_RUN_SCENARIO', 300_000, async () => (await api<RunSummary[]>('/runs')).find((entry) => entry.scenario === 'failed-migration-recovery.yaml'));
    flagshipRunId = run.id;
    expect((await completed(run.id)).status, await project.allLogs()).toBe('completed');
    const report = await api<Report>(`/runs/${run.id}/report`);
    expect(report.schemaVersion).toBe(1);
    expect(report.engine).toBe('services');
    expect(report.variants.map((variant) => variant.name)).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    const failed = report.variants.flatMap((variant) => variant.checks.filter((check) => !check.passed).map((check) => `${variant.name}: ${check.name}: ${check.detail}`));
    expect(failed).toEqual([]);
    expect(report.summary.checks.failed).toBe(0);
    const inPlace = report.variants.find((variant) => variant.name === 'recover-in-place')!.vms[0]!;
    const before = inPlace.timeline.find((point) => point.tMs <= 1_000)!.hugeFraction;
    expect(inPlace.recoveries[0]!.strategy).toBe('recover-in-place');
    expect(inPlace.recoveries[0]!.finalHugeFraction).toBeGreaterThanOrEqual(0.95 * before);

    const containers = await project.containers();
    expect(containers.map((name) => name.replace(`${project.name}_`, '')).sort()).toEqual(['controller_1', 'destination-host_1', 'destination-host_2', 'redis_1', 'source-host_1']);
    for (const container of containers) expect(`${container}: ${await project.health(container)}`).toBe(`${container}: healthy`);
  });

  it('compose: a restarted controller container does not start the flagship a second time', async () => {
    expect(flagshipRunId).not.toBe('');
    const [controller] = await containerOf('controller');
    await project.restart(controller!);
    await until('the restarted controller answering', 120_000, async () => ((await api<unknown[]>('/runs')).length > 0 ? true : undefined));
    await until('the restarted controller saying it will not start the flagship again', 60_000, async () => ((await project.logs(controller!, 200)).includes('not starting it again') ? true : undefined));
    expect((await api<RunSummary[]>('/runs')).map((entry) => entry.id)).toEqual([flagshipRunId]);
  });

  it('compose: replicas claim distinct hosts; killing the container of dst-1 mid-migration leaves vm-1 recovered on the source while vm-2 reaches dst-2', async () => {
    const claims = new Map<string, string>();
    for (const container of await containerOf('destination-host')) {
      const claimed = /claimed host (dst-\d+)/.exec(await project.logs(container, 200))?.[1];
      if (claimed !== undefined) claims.set(claimed, container);
    }
    expect([...claims.keys()].sort()).toEqual(['dst-1', 'dst-2']);

    // MIGSIM_API_TOKEN reached the controller: a submission without it is refused.
    const unauthenticated = await fetch(`${project.url}/runs?file=compose-destination-killed.yaml`, { method: 'POST', body: KILL_SCENARIO, signal: AbortSignal.timeout(10_000) });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer realm="migsim"');
    const { id } = await api<RunSummary>('/runs?file=compose-destination-killed.yaml', { method: 'POST', body: KILL_SCENARIO, headers: { 'content-type': 'application/yaml' } });
    await until('m1 in pre-copy round 1', 120_000, async () => {
      const m1 = (await api<RunDetail>(`/runs/${id}`)).variants[0]!.migrations.find((migration) => migration.id === 'm1');
      return m1?.phase?.phase === 'round' ? true : undefined;
    }, 50);
    await project.kill(claims.get('dst-1')!);

    expect((await completed(id)).status, await project.allLogs()).toBe('completed');
    const variant = (await api<Report>(`/runs/${id}/report`)).variants[0]!;
    const outcomes = Object.fromEntries(variant.migrations.map((migration) => [migration.id, migration.outcome]));
    expect(outcomes).toEqual({ m1: 'failed', m2: 'completed' });
    expect(variant.events.some((event) => event.kind === 'fault' && /dst-1 stopped answering/.test(event.detail))).toBe(true);
    expect(variant.checks.find((check) => check.kind === 'vm-never-lost')?.passed).toBe(true);
    expect(variant.checks.find((check) => check.kind === 'dirty-logging-off-after-failure')?.passed).toBe(true);

    const vm1 = variant.vms.find((vm) => vm.name === 'vm-1')!;
    expect(vm1.host).toBe('src-1');
    expect(vm1.timeline.at(-1)!.dirtyLogging).toBe(false);
    const recovery = vm1.recoveries[0]!;
    expect(recovery.trigger).toBe('migration-failed');
    const before = vm1.timeline.find((point) => point.tMs <= 1_000)!.hugeFraction;
    // Dirty logging split the written quarter of guest memory (2 of 8 GiB) into 4 KiB mappings.
    expect(Math.min(...vm1.timeline.map((point) => point.hugeFraction))).toBeLessThan(0.8 * before);
    expect(recovery.finalHugeFraction).toBeGreaterThanOrEqual(0.95 * before);
    expect(variant.vms.find((vm) => vm.name === 'vm-2')!.host).toBe('dst-2');
  });

  it('compose: `down -v` leaves no container, network or volume of the project', async () => {
    await project.down();
    expect(await project.leftovers('container')).toEqual([]);
    expect(await project.leftovers('network')).toEqual([]);
    expect(await project.leftovers('volume')).toEqual([]);
  });
});
