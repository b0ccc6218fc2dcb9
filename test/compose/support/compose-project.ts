import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** podman-compose 1.0.3 with `network_mode: host` needs this stand-in for podman (see the script). */
const PODMAN_PATH = join(ROOT, 'scripts/containers/podman-hostnet.sh');
const APPS = ['controller', 'source-host', 'destination-host'] as const;
const NODE_BASE = 'localhost/migsim-node-base:20';
const NODE_BUILD_BASE = 'localhost/migsim-node-build:20';
const SETUP_HINT = 'run `bash scripts/containers/setup.sh` (it installs podman, podman-compose and runc from Debian and builds the local base images)';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; a non-zero exit rejects with its output in the message. */
export async function command(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  try {
    return await run(file, args, { cwd: ROOT, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 2 ** 20 });
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${failure.message}\n${(failure.stderr ?? '').slice(-4_000)}`);
  }
}

async function exitsZero(file: string, args: string[]): Promise<boolean> {
  return command(file, args, { timeoutMs: 30_000 }).then(
    () => true,
    () => false,
  );
}

/** Fails (never skips) with what to install when podman, podman-compose or the local images are missing. */
export async function requirePodman(redisImage: string): Promise<void> {
  for (const tool of ['podman', 'podman-compose']) {
    if (!(await exitsZero('sh', ['-c', `command -v ${tool}`]))) throw new Error(`${tool} is not installed: ${SETUP_HINT}`);
  }
  for (const image of [NODE_BASE, NODE_BUILD_BASE, redisImage]) {
    if (!(await exitsZero('podman', ['image', 'exists', image]))) throw new Error(`image ${image} is missing: ${SETUP_HINT}`);
  }
}

/** A free TCP port on loopback (the services bind 127.0.0.1 with host networking). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ComposeOptions {
  redisImage: string;
  /** Host worker replicas per role, each claiming one shard of its role (`source-0..`, `destination-0..`). */
  sourceWorkers: number;
  destinationWorkers: number;
}

/**
 * One podman-compose project of docker-compose.yml + compose.hostnet.yml:
 * a unique project name, the service images built from the Dockerfiles on
 * the local base images, Redis and the controller on free loopback ports.
 */
export class ComposeProject {
  readonly name = `migsim-ct-${process.pid}-${randomBytes(3).toString('hex')}`;
  /** The service images' tag: this project's own, so two compose tests on one machine never run each other's images. */
  readonly tag = this.name;
  /** The controller's MIGSIM_API_TOKEN, passed through docker-compose.yml from `up`'s environment. */
  readonly apiToken = randomBytes(24).toString('hex');
  redisPort = 0;
  controllerPort = 0;

  constructor(readonly options: ComposeOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.controllerPort}`;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      MIGSIM_REDIS_IMAGE: this.options.redisImage,
      MIGSIM_IMAGE_TAG: this.tag,
      MIGSIM_REDIS_PORT: String(this.redisPort),
      MIGSIM_PORT: String(this.controllerPort),
      MIGSIM_SOURCE_WORKERS: String(this.options.sourceWorkers),
      MIGSIM_DESTINATION_WORKERS: String(this.options.destinationWorkers),
      MIGSIM_SOURCE_SHARDS: shardNames('source', this.options.sourceWorkers),
      MIGSIM_DESTINATION_SHARDS: shardNames('destination', this.options.destinationWorkers),
      MIGSIM_API_TOKEN: this.apiToken,
    };
  }

  /** `podman build` of the three Dockerfiles, as compose would, with the local base images. */
  async build(): Promise<void> {
    for (const app of APPS) {
      await command(
        'podman',
        ['build', '--format', 'docker', '--network', 'host', '--build-arg', `BASE=${NODE_BASE}`, '--build-arg', `BUILD_BASE=${NODE_BUILD_BASE}`, '-f', `apps/${app}/Dockerfile`, '-t', `localhost/migsim-${app}:${this.tag}`, '.'],
        { timeoutMs: 600_000 },
      );
    }
  }

  async up(): Promise<void> {
    this.redisPort = await freePort();
    this.controllerPort = await freePort();
    await this.compose(['up', '-d']);
  }

  /** `down -v`, then the project network that podman-compose 1.0.3 creates but does not remove. */
  async down(): Promise<void> {
    await this.compose(['down', '-v']);
    for (const network of await this.leftovers('network')) await command('podman', ['network', 'rm', '-f', network]);
  }

  /** Whatever of the project is still there, by its compose label. */
  async leftovers(kind: 'container' | 'network' | 'volume'): Promise<string[]> {
    const filter = `label=io.podman.compose.project=${this.name}`;
    const args = kind === 'container' ? ['ps', '-a', '--filter', filter, '--format', '{{.Names}}'] : [kind, 'ls', '--filter', filter, '--format', '{{.Name}}'];
    const { stdout } = await command('podman', args);
    return stdout.split('\n').filter((line) => line.trim() !== '');
  }

  /** Last resort after a failure: removes every container, network and volume of the project. */
  async forceRemove(): Promise<void> {
    for (const container of await this.leftovers('container').catch(() => [])) await command('podman', ['rm', '-f', '-t', '1', container]).catch(() => undefined);
    for (const kind of ['network', 'volume'] as const) {
      for (const name of await this.leftovers(kind).catch(() => [])) await command('podman', [kind, 'rm', '-f', name]).catch(() => undefined);
    }
  }

  async containers(): Promise<string[]> {
    return this.leftovers('container');
  }

  /** Runs the container's health check now (no systemd here to run it on a timer) and returns the recorded status. */
  async health(container: string): Promise<string> {
    await command('podman', ['healthcheck', 'run', container]).catch(() => undefined);
    const { stdout } = await command('podman', ['inspect', '--format', '{{.State.Health.Status}}', container]);
    return stdout.trim();
  }

  async logs(container: string, tail = 40): Promise<string> {
    const { stdout, stderr } = await command('podman', ['logs', '--tail', String(tail), container]).catch(() => ({ stdout: '', stderr: '' }));
    return `${stdout}${stderr}`;
  }

  /** The last lines of every container's log, for assertion messages. */
  async allLogs(): Promise<string> {
    const parts: string[] = [];
    for (const container of await this.containers().catch(() => [])) parts.push(`--- ${container}\n${await this.logs(container, 15)}`);
    return parts.join('\n');
  }

  /** The service images this project built (removed by `removeImages`). */
  get images(): string[] {
    return APPS.map((app) => `localhost/migsim-${app}:${this.tag}`);
  }

  async removeImages(): Promise<void> {
    await command('podman', ['rmi', '--force', ...this.images]).catch(() => undefined);
  }

  /**
   * kill -9 of the service's process inside the container (not of its init), as a crash would: the init
   * exits with the process, and the restart policy, not the operator, decides what happens next.
   */
  async killService(container: string): Promise<number> {
    const { stdout } = await command('podman', ['top', container, 'hpid', 'pid', 'args']);
    const service = stdout
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .find(([, pid, ...args]) => pid !== '1' && args[0] === 'node');
    if (service === undefined) throw new Error(`no node process in ${container}:\n${stdout}`);
    process.kill(Number(service[0]), 'SIGKILL');
    return Number(service[0]);
  }

  /** How often podman restarted the container by its restart policy. */
  async restartCount(container: string): Promise<number> {
    const { stdout } = await command('podman', ['inspect', '--format', '{{.RestartCount}}', container]);
    return Number(stdout.trim());
  }

  async restart(container: string): Promise<void> {
    await command('podman', ['restart', '-t', '10', container]);
  }

  private compose(args: string[]): Promise<CommandResult> {
    return command('podman-compose', ['--podman-path', PODMAN_PATH, '-p', this.name, '-f', 'docker-compose.yml', '-f', 'compose.hostnet.yml', ...args], { env: this.env, timeoutMs: 300_000 });
  }
}

function shardNames(role: string, count: number): string {
  return Array.from({ length: count }, (_, index) => `${role}-${index}`).join(',');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}
