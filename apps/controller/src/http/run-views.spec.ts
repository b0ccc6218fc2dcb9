import type { Report } from '@migsim/report';
import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunStore } from '../runs/run-store';
import { startController, startShardWorkers, type RunningController } from './controller-app.testing';

/** Short and paced (10x: at least 2 s of wall time), so a scrape catches it mid-run even on a loaded machine; one migration completes, one is cancelled. */
const SCENARIO = `name: controller-run-views
description: two VMs leave src-1 for dst-1; an operator cancels mb's migration
seed: 7
horizon: 20s
sampling: { interval: 1s }
hosts:
  - { name: src-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
vms:
  - { name: vm-a, host: src-1, memory: 1GiB, vcpus: 2, backing: thp, workload: { pattern: uniform, dirtyRate: 10MB/s } }
  - { name: vm-b, host: src-1, memory: 1GiB, vcpus: 2, backing: thp, workload: { pattern: uniform, dirtyRate: 10MB/s } }
migrations:
  - { id: ma, vm: vm-a, to: dst-1, at: 1s }
  - { id: mb, vm: vm-b, to: dst-1, at: 1s }
faults:
  - { kind: migration-cancel, migration: mb, at: 3s }
`;

interface MigrationView {
  id: string;
  vm: string;
  source: string | null;
  destination: string;
  outcome: string;
  running: number | null;
  attempts: number;
  info: { status: string } | null;
}
interface RunView {
  status: string;
  variants: { name: string; migrations: MigrationView[] }[];
}

let redis: ResolvedRedis;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await redis?.stop();
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();
const windowOf = (metrics: string, run: string) => Number(new RegExp(`^migsim_run_window\\{run="${run}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);

describe('a run over the controller and in-process shard workers, start to end', () => {
  it('run views: migsim_run_window follows the run and goes when it completes; its migrations then come from the report, in the running shape', async () => {
    const controller: RunningController = await startController({ redisUrl: redis.url, env: { MIGSIM_SPEED: '10', MIGSIM_START_DELAY_MS: '0' }, estimateModelMemory: null, coordinator: true });
    closers.push(() => controller.close());
    const workers = await startShardWorkers(controller);
    closers.push(() => workers.close());
    const url = controller.url;
    // The completed record's save waits until the test has looked: what GET /runs/:id says and what /metrics
    // says must agree from the moment the status is visible, not only once the record is in Redis.
    let releaseSave = (): void => undefined;
    const held = new Promise<void>((resolve) => (releaseSave = resolve));
    closers.push(async () => releaseSave());
    const save = RunStore.prototype.save;
    vi.spyOn(RunStore.prototype, 'save').mockImplementation(async function (this: RunStore, record) {
      if (record.status === 'completed') await held;
      return save.call(this, record);
    });

    const created = await fetch(`${url}/runs?file=run-views.yaml`, { method: 'POST', body: SCENARIO });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;

    // Mid-run: the gauge moves past the first windows, and the migrations are the controller's records.
    await expect.poll(async () => windowOf(await scrape(url), id), { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    const running = await getJson<RunView>(`${url}/runs/${id}`);
    expect(running.status).toBe('running');
    expect(running.variants[0]!.migrations.map((migration) => migration.id).sort()).toEqual(['ma', 'mb']);

    await expect.poll(async () => (await getJson<RunView>(`${url}/runs/${id}`)).status, { timeout: 60_000, interval: 100 }).toBe('completed');
    const metrics = await scrape(url);
    expect(metrics).not.toMatch(new RegExp(`^migsim_run_window\\{run="${id}"\\}`, 'm'));
    expect(metrics).toMatch(/^migsim_runs_ended_total\{status="completed"\} 1$/m);
    releaseSave();

    const report = await getJson<Report>(`${url}/runs/${id}/report`);
    const completed = await getJson<RunView>(`${url}/runs/${id}`);
    expect(completed.variants).toEqual(
      report.variants.map((variant) => ({
        name: variant.name,
        migrations: variant.migrations.map((migration) => ({
          id: migration.id,
          vm: migration.vm,
          source: migration.source,
          destination: migration.destination,
          outcome: migration.outcome,
          running: null,
          attempts: migration.attempts.length,
          info: migration.attempts.at(-1)!.info,
        })),
      })),
    );
    const [ma, mb] = completed.variants[0]!.migrations;
    expect(ma).toMatchObject({ id: 'ma', vm: 'vm-a', source: 'src-1', destination: 'dst-1', outcome: 'completed', running: null, attempts: 1, info: { status: 'completed' } });
    expect(mb).toMatchObject({ id: 'mb', outcome: 'cancelled', info: { status: 'cancelled' } });
    // Every key the running shape has, and nothing else.
    expect(Object.keys(ma!).sort()).toEqual(Object.keys(running.variants[0]!.migrations[0]!).sort());

    const flat = await getJson<(MigrationView & { variant: string })[]>(`${url}/runs/${id}/migrations`);
    expect(flat).toEqual(completed.variants.flatMap((variant) => variant.migrations.map((migration) => ({ variant: variant.name, ...migration }))));
  }, 120_000);
});
