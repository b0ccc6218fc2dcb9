import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineReportText, expectSameReport, shippedScenario } from '../e2e/support/same-report';
import { ComposeProject, requirePodman, sleep } from './support/compose-project';

/**
 * docker-compose.yml run for real by podman-compose (host networking through
 * compose.hostnet.yml, so all traffic stays on loopback): the flagship that
 * `up` starts by itself, a restarted controller, then a destination worker
 * killed mid-run and brought back by its restart policy. Both runs' reports
 * equal the engine's but for `engine` and `execution`. Run with
 * `npm run test:compose`; never skipped: without podman it fails saying what
 * to install.
 */
const project = new ComposeProject({ redisImage: process.env.MIGSIM_REDIS_IMAGE || 'localhost/migsim-redis:7', sourceWorkers: 1, destinationWorkers: 1 });
/** The controller submits /scenarios/<file> under its base name. */
const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');
const FLAGSHIP_NAME = 'failed-migration-recovery.yaml';
let engine = '';
let flagshipRunId = '';

interface RunSummary {
  id: string;
  status: 'running' | 'completed' | 'failed';
  scenario: string;
  simulatedMs: number;
  error: string | null;
}

/** Reads go without a token; anything else carries the controller's (the compose file passes MIGSIM_API_TOKEN through). */
async function api(path: string, init?: RequestInit): Promise<Response> {
  const authorization: Record<string, string> = init?.method === undefined || init.method === 'GET' ? {} : { authorization: `Bearer ${project.apiToken}` };
  const response = await fetch(`${project.url}${path}`, { ...init, headers: { ...(init?.headers as Record<string, string>), ...authorization }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

async function apiJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await api(path, init)).json()) as T;
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

function ended(id: string): Promise<RunSummary> {
  return until(`run ${id} ending`, 300_000, async () => {
    const run = await apiJson<RunSummary>(`/runs/${id}`);
    return run.status === 'running' ? undefined : run;
  });
}

function containerOf(service: string): Promise<string[]> {
  return project.containers().then((names) => names.filter((name) => name.startsWith(`${project.name}_${service}_`)));
}

beforeAll(async () => {
  await requirePodman(project.options.redisImage);
  await project.build();
  // Right after the build, from the same sources the images were built from.
  engine = engineReportText(FLAGSHIP.text, FLAGSHIP_NAME);
  await project.up();
}, 900_000);

afterAll(async () => {
  await project.forceRemove();
  await project.removeImages();
}, 120_000);

describe('docker-compose.yml under podman-compose (host networking)', () => {
  it('compose: `up` runs the flagship by itself; its report equals the engine report but for engine and execution, and every container is healthy', async () => {
    const run = await until('the flagship run started by MIGSIM_RUN_SCENARIO', 300_000, async () => (await apiJson<RunSummary[]>('/runs')).find((entry) => entry.scenario === FLAGSHIP_NAME));
    flagshipRunId = run.id;
    expect((await ended(run.id)).status, await project.allLogs()).toBe('completed');
    expectSameReport(await (await api(`/runs/${run.id}/report`)).text(), engine, 'the compose demo\'s flagship');

    const containers = await project.containers();
    expect(containers.map((name) => name.replace(`${project.name}_`, '')).sort()).toEqual(['controller_1', 'destination-host_1', 'redis_1', 'source-host_1']);
    for (const container of containers) expect(`${container}: ${await project.health(container)}`).toBe(`${container}: healthy`);
    const shards = await apiJson<{ name: string; served: boolean }[]>('/shards');
    expect(shards.map((shard) => [shard.name, shard.served])).toEqual([
      ['source-0', true],
      ['destination-0', true],
    ]);
  });

  it('compose: a restarted controller container does not start the flagship a second time', async () => {
    expect(flagshipRunId).not.toBe('');
    const [controller] = await containerOf('controller');
    await project.restart(controller!);
    await until('the restarted controller answering', 120_000, async () => ((await apiJson<unknown[]>('/runs')).length > 0 ? true : undefined));
    await until('the restarted controller saying it will not start the flagship again', 60_000, async () => ((await project.logs(controller!, 200)).includes('not starting it again') ? true : undefined));
    expect((await apiJson<RunSummary[]>('/runs')).map((entry) => entry.id)).toEqual([flagshipRunId]);
  });

  it('compose: the destination worker killed with -9 mid-run comes back by its restart policy and takes its shard over; the report still equals the engine report', async () => {
    // MIGSIM_API_TOKEN reached the controller: a submission without it is refused.
    const unauthenticated = await fetch(`${project.url}/runs?file=${FLAGSHIP_NAME}`, { method: 'POST', body: FLAGSHIP.text, signal: AbortSignal.timeout(10_000) });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer realm="migsim"');
    const { id } = await apiJson<RunSummary>(`/runs?file=${FLAGSHIP_NAME}`, { method: 'POST', body: FLAGSHIP.text, headers: { 'content-type': 'application/yaml' } });
    const before = await until('the run a third of the way through', 120_000, async () => {
      const run = await apiJson<RunSummary>(`/runs/${id}`);
      return run.simulatedMs >= 120_000 || run.status !== 'running' ? run : undefined;
    }, 50);
    expect(before.status).toBe('running');

    const [destination] = await containerOf('destination-host');
    const restarts = await project.restartCount(destination!);
    await project.killService(destination!);

    expect((await ended(id)).status, await project.allLogs()).toBe('completed');
    expect(await project.restartCount(destination!)).toBeGreaterThan(restarts);
    expect(await project.logs(destination!, 400)).toMatch(new RegExp(`run ${id}: shard destination-0 rebuilt from its journal \\([1-9]\\d* window\\(s\\) replayed\\)`));
    expectSameReport(await (await api(`/runs/${id}/report`)).text(), engine, 'the flagship across a destination worker kill -9');
    expect(await project.health(destination!)).toBe('healthy');
  });

  it('compose: `down -v` leaves no container, network or volume of the project', async () => {
    await project.down();
    expect(await project.leftovers('container')).toEqual([]);
    expect(await project.leftovers('network')).toEqual([]);
    expect(await project.leftovers('volume')).toEqual([]);
  });
});
