import type { Report } from '@migsim/report';
import { purgeNamespace } from '@migsim/transport';
import { uniqueNamespace } from '@migsim/transport/testing';
import { ServiceProcess, sleep, type ServiceApp } from './service-process';

export interface StackOptions {
  redisUrl: string;
  label: string;
  /** Simulated seconds per wall second. */
  speed: number;
  extraEnv?: Record<string, string>;
}

export interface RunSummary {
  id: string;
  status: 'running' | 'completed' | 'failed';
  error: string | null;
  variants: { name: string; done: boolean; migrations: MigrationView[] }[];
}

export interface MigrationView {
  id: string;
  status: string;
  outcome: string;
  attempt: number;
  phase: { phase: string; round: number | null } | null;
  info: { status?: string } | null;
  verification: { verified: boolean | null; sourceDigest: number | null; destinationDigest: number | null } | null;
}

/**
 * A controller, a source host (src-1) and a destination host (dst-1) as three
 * real processes on one Redis, in a queue namespace of their own. `stop()`
 * kills every process it started (call it in afterEach, even on failure).
 */
export class ServicesStack {
  readonly namespace: string;
  readonly processes: ServiceProcess[] = [];
  url = '';
  controller!: ServiceProcess;
  source!: ServiceProcess;
  destination!: ServiceProcess;

  constructor(readonly options: StackOptions) {
    this.namespace = uniqueNamespace(options.label);
  }

  get env(): Record<string, string> {
    return {
      REDIS_URL: this.options.redisUrl,
      MIGSIM_NAMESPACE: this.namespace,
      MIGSIM_SPEED: String(this.options.speed),
      PORT: '0',
      MIGSIM_START_DELAY_MS: '500',
      // An API token exported in the shell that runs the tests must not close the stack's API; a test sets its own.
      MIGSIM_API_TOKEN: '',
      ...this.options.extraEnv,
    };
  }

  /** Starts the three processes; each host process serves the simulated hosts given (default src-1 and dst-1). */
  async start(hosts: { sourceHosts?: string[]; destinationHosts?: string[] } = {}): Promise<void> {
    const sourceHosts = hosts.sourceHosts ?? ['src-1'];
    const destinationHosts = hosts.destinationHosts ?? ['dst-1'];
    this.controller = await this.startController();
    this.source = this.spawn('source-host', ['--hosts', sourceHosts.join(',')]);
    this.destination = this.spawn('destination-host', ['--hosts', destinationHosts.join(',')]);
    await this.waitForHosts([...sourceHosts, ...destinationHosts]);
  }

  async startController(): Promise<ServiceProcess> {
    const controller = this.spawn('controller', []);
    this.url = (await controller.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
    this.controller = controller;
    return controller;
  }

  spawn(app: ServiceApp, args: string[]): ServiceProcess {
    const child = new ServiceProcess(app, args, this.env);
    this.processes.push(child);
    return child;
  }

  async waitForHosts(names: string[], timeoutMs = 30_000): Promise<void> {
    await this.until(async () => {
      const hosts = (await this.get('/hosts')) as { name: string; alive: boolean }[];
      return names.every((name) => hosts.some((host) => host.name === name && host.alive));
    }, timeoutMs, `hosts ${names.join(', ')} to report`);
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

  async waitForRun(id: string, timeoutMs = 90_000): Promise<RunSummary> {
    let last: RunSummary | undefined;
    await this.until(async () => {
      last = await this.run(id);
      return last.status !== 'running';
    }, timeoutMs, `run ${id} to end`);
    return last!;
  }

  async report(id: string): Promise<Report> {
    return (await this.get(`/runs/${id}/report`)) as Report;
  }

  async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`);
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
    return this.processes.map((child) => `--- ${child.app} (pid ${child.pid}) ---\n${child.log.slice(-4000)}`).join('\n');
  }

  /** Kills every process this stack started and removes the namespace's keys. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((child) => child.stop()));
    await purgeNamespace(this.options.redisUrl, this.namespace).catch(() => undefined);
  }
}
