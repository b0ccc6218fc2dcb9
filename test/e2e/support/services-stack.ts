import type { Report } from '@migsim/report';
import { purgeNamespace } from '@migsim/transport';
import { uniqueNamespace } from '@migsim/transport/testing';
import { ServiceProcess, sleep, type ServiceApp } from './service-process';

export interface StackOptions {
  redisUrl: string;
  label: string;
  /** Virtual seconds per wall second, or `max`: unpaced. */
  speed: number | 'max';
  /** Host workers per role, each serving one shard of its own: `source-0..` and `destination-0..` (default 1 each). */
  sourceWorkers?: number;
  destinationWorkers?: number;
  extraEnv?: Record<string, string>;
}

export interface RunSummary {
  id: string;
  status: 'running' | 'completed' | 'failed';
  scenario: string;
  speed: number | null;
  simulatedMs: number;
  error: string | null;
  shards: { id: string; hosts: string[] }[];
  variants: { name: string; migrations: MigrationView[] }[];
}

export interface MigrationView {
  id: string;
  vm: string;
  source: string | null;
  destination: string;
  outcome: string;
  running: number | null;
  attempts: number;
  info: { status?: string } | null;
}

export interface ShardView {
  name: string;
  role: 'source' | 'destination';
  served: boolean;
  owner: string | null;
}

/**
 * The services as users run them, as real processes on one Redis in a queue
 * namespace of their own: a controller (the runs' coordinator) and host
 * workers, each serving one shard (`--shards source-0`, ...), the controller
 * spreading every run's hosts over those shards (MIGSIM_SOURCE_SHARDS,
 * MIGSIM_DESTINATION_SHARDS). `stop()` kills every process it started and
 * purges the namespace (call it in afterEach, even on failure).
 */
export class ServicesStack {
  readonly namespace: string;
  readonly processes: ServiceProcess[] = [];
  readonly sourceShards: readonly string[];
  readonly destinationShards: readonly string[];
  /** The worker serving each shard now (a replacement takes its predecessor's place). */
  readonly workers = new Map<string, ServiceProcess>();
  url = '';
  controller!: ServiceProcess;

  constructor(readonly options: StackOptions) {
    this.namespace = uniqueNamespace(options.label);
    this.sourceShards = Array.from({ length: options.sourceWorkers ?? 1 }, (_, i) => `source-${i}`);
    this.destinationShards = Array.from({ length: options.destinationWorkers ?? 1 }, (_, i) => `destination-${i}`);
  }

  get env(): Record<string, string> {
    return {
      REDIS_URL: this.options.redisUrl,
      MIGSIM_NAMESPACE: this.namespace,
      MIGSIM_SPEED: String(this.options.speed),
      MIGSIM_SOURCE_SHARDS: this.sourceShards.join(','),
      MIGSIM_DESTINATION_SHARDS: this.destinationShards.join(','),
      PORT: '0',
      MIGSIM_START_DELAY_MS: '500',
      // An API token exported in the shell that runs the tests must not close the stack's API; a test sets its own.
      MIGSIM_API_TOKEN: '',
      ...this.options.extraEnv,
    };
  }

  get shards(): string[] {
    return [...this.sourceShards, ...this.destinationShards];
  }

  /** Starts the controller and one worker per shard, and waits until the controller sees every shard served. */
  async start(): Promise<void> {
    await this.startController();
    for (const shard of this.shards) this.startWorker(shard);
    await this.waitForShards();
  }

  async startController(): Promise<ServiceProcess> {
    const controller = this.spawn('controller', []);
    this.controller = controller;
    // Generous: tsx loads the controller's sources in seconds on an idle machine, far longer on a busy one.
    this.url = (await controller.waitForOutput(/listening on (http:\/\/\S+)/, 90_000))[1]!;
    return controller;
  }

  /** A host worker serving `shard` (source-host for `source-*`, destination-host otherwise); it waits for the shard's lease to be free. */
  startWorker(shard: string): ServiceProcess {
    const worker = this.spawn(shard.startsWith('source-') ? 'source-host' : 'destination-host', ['--shards', shard]);
    this.workers.set(shard, worker);
    return worker;
  }

  worker(shard: string): ServiceProcess {
    const worker = this.workers.get(shard);
    if (worker === undefined) throw new Error(`no worker serves ${shard}`);
    return worker;
  }

  spawn(app: ServiceApp, args: string[]): ServiceProcess {
    const child = new ServiceProcess(app, args, this.env);
    this.processes.push(child);
    return child;
  }

  /** Until GET /shards says every shard is served, by the current worker of each when `owners` (its lease holds its pid). */
  async waitForShards(timeoutMs = 90_000): Promise<void> {
    await this.until(async () => {
      const shards = (await this.get('/shards')) as ShardView[];
      return this.shards.every((name) => shards.some((shard) => shard.name === name && shard.served && shard.owner?.includes(`:${this.worker(name).pid}:`)));
    }, timeoutMs, `every shard (${this.shards.join(', ')}) served by its worker`);
  }

  async submit(scenarioText: string, file = 'e2e.yaml'): Promise<string> {
    const token = this.env.MIGSIM_API_TOKEN;
    const response = await fetch(`${this.url}/runs?file=${encodeURIComponent(file)}`, { method: 'POST', body: scenarioText, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = (await response.json()) as { id?: string; problems?: string[] };
    if (response.status !== 201) throw new Error(`POST /runs: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body.id!;
  }

  run(id: string): Promise<RunSummary> {
    return this.get(`/runs/${id}`) as Promise<RunSummary>;
  }

  /** Until the run is no longer running; its last summary. */
  async waitForRun(id: string, timeoutMs = 120_000): Promise<RunSummary> {
    let last: RunSummary | undefined;
    await this.until(async () => {
      last = await this.run(id);
      return last.status !== 'running';
    }, timeoutMs, `run ${id} to end`, 100);
    return last!;
  }

  /** Until the run's actors have all reached `simulatedMs` of virtual time (or it ended). */
  async waitForProgress(id: string, simulatedMs: number, timeoutMs = 60_000): Promise<RunSummary> {
    let last: RunSummary | undefined;
    await this.until(async () => {
      last = await this.run(id);
      return last.simulatedMs >= simulatedMs || last.status !== 'running';
    }, timeoutMs, `run ${id} to reach ${simulatedMs} ms of simulated time`, 20);
    return last!;
  }

  /** The report exactly as the controller serves it (its JSON text). */
  async reportText(id: string): Promise<string> {
    const response = await fetch(`${this.url}/runs/${id}/report`);
    const text = await response.text();
    if (!response.ok) throw new Error(`GET /runs/${id}/report: HTTP ${response.status} ${text}`);
    return text;
  }

  async report(id: string): Promise<Report> {
    return JSON.parse(await this.reportText(id)) as Report;
  }

  async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }

  async until(condition: () => Promise<boolean>, timeoutMs: number, what: string, pollMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        if (await condition()) return;
      } catch (error) {
        lastError = error;
      }
      await sleep(pollMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}\n${this.logs()}`);
  }

  logs(): string {
    return this.processes.map((child) => `--- ${child.app} ${child.args.join(' ')} (pid ${child.pid}${child.running ? '' : ', exited'}) ---\n${child.log.slice(-4000)}`).join('\n');
  }

  /** Kills every process this stack started and removes the namespace's keys. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((child) => child.stop()));
    await purgeNamespace(this.options.redisUrl, this.namespace).catch(() => undefined);
  }
}
