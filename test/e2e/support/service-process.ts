import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const APPS_DIR = fileURLToPath(new URL('../../../apps/', import.meta.url));

export type ServiceApp = 'controller' | 'source-host' | 'destination-host';

/**
 * One real service process (`node --conditions=development --import tsx
 * src/main.ts` in its app folder, as users run it), in its own process group
 * so `kill` takes everything it started. Its output is kept for assertions
 * and for failure messages.
 */
export class ServiceProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly app: ServiceApp,
    readonly args: readonly string[],
    env: Readonly<Record<string, string>>,
  ) {
    // MIGSIM_CPU_PROFILE_DIR=<dir>: each service writes a V8 CPU profile there when it exits (bench diagnosis).
    const profile = process.env.MIGSIM_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MIGSIM_CPU_PROFILE_DIR}`, `--cpu-prof-name=${app}.cpuprofile`] : [];
    // The node flags of scripts/start.mjs and the Dockerfiles: a 128 MiB young generation, as `migsim simulate` has.
    this.child = spawn(process.execPath, [...profile, '--max-semi-space-size=128', '--conditions=development', '--import', 'tsx', 'src/main.ts', ...args], {
      cwd: `${APPS_DIR}${app}`,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output.join('');
  }

  /** Resolves with the first match of `pattern` in the output. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(this.log);
      if (match !== null) return match;
      if (!this.running) throw new Error(`${this.app} exited before printing ${pattern}:\n${this.log}`);
      await sleep(25);
    }
    throw new Error(`${this.app} did not print ${pattern} within ${timeoutMs} ms:\n${this.log}`);
  }

  /** Sends `signal` to the whole process group and waits (up to `timeoutMs`) for the exit. Returns whether it exited. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<boolean> {
    if (!this.running) return true;
    try {
      process.kill(-this.pid, signal);
    } catch {
      return true;
    }
    return Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    if (await this.kill('SIGTERM', graceMs)) return;
    await this.kill('SIGKILL', 5_000);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}
