import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisUnavailableError, transportError } from '../errors';
import { findExecutable } from './find-executable';
import { findFreePort } from './free-port';
import { registerExitCleanup } from './process-cleanup';
import { waitForPong } from './redis-ping';

export interface PrivateRedisServerOptions {
  /** Absolute path of redis-server; when absent it is looked up on `env.PATH`. */
  executable?: string;
  /** Environment to look redis-server up in (only PATH is read). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Persist every write before replying (`appendonly yes`, `appendfsync always`),
   * so a SIGKILL loses nothing that was acknowledged. Otherwise no persistence
   * at all (`--save ''`, `appendonly no`).
   */
  persistent?: boolean;
  /** Fixed port; by default a free one is picked on the first start and kept. */
  port?: number;
  /** How long to wait for the first PONG (AOF replay included). */
  startTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const LOG_TAIL_LINES = 20;
const START_ATTEMPTS = 3;

/**
 * A redis-server of our own: 127.0.0.1 only, a free port, its own temp dir,
 * stopped on `stop()` and on process exit/signal (see process-cleanup.ts).
 * `kill()` and `restart()` exist for fault tests: a SIGKILLed server restarted
 * on the same port and dir replays its AOF, so acknowledged jobs survive.
 */
export class PrivateRedisServer {
  private readonly executable: string;
  private readonly persistent: boolean;
  private readonly startTimeoutMs: number;
  private fixedPort: number | undefined;
  private dataDir: string | undefined;
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private logTail: string[] = [];
  private unregisterCleanup: (() => void) | undefined;

  constructor(options: PrivateRedisServerOptions = {}) {
    const executable = options.executable ?? findExecutable('redis-server', options.env?.PATH);
    if (executable === undefined) {
      throw new RedisUnavailableError(
        `redis-server was not found on PATH (${options.env?.PATH || 'empty'}); install it with \`apt-get install redis-server\``,
      );
    }
    this.executable = executable;
    this.persistent = options.persistent ?? false;
    this.fixedPort = options.port;
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
  }

  /** `redis://127.0.0.1:<port>`; defined once the server has started. */
  get url(): string {
    if (this.fixedPort === undefined) throw transportError('REDIS_SERVER_FAILED', 'the private redis-server has not been started');
    return `redis://${HOST}:${this.fixedPort}`;
  }

  get port(): number | undefined {
    return this.fixedPort;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Process id of the running redis-server, for tests that check nothing is left behind. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  /** The server's temp dir (data and AOF); removed by `stop()`. */
  get directory(): string | undefined {
    return this.dataDir;
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    if (this.dataDir === undefined) {
      this.dataDir = mkdtempSync(join(tmpdir(), 'migsim-redis-'));
    }
    this.ensureCleanupRegistered();
    let lastFailure: Error | undefined;
    const portIsOurs = this.fixedPort === undefined;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      if (this.fixedPort === undefined || (portIsOurs && attempt > 0)) this.fixedPort = await findFreePort(HOST);
      try {
        await this.spawnAndWait(this.fixedPort);
        return;
      } catch (error) {
        lastFailure = error as Error;
        await this.killChild();
        // Only a port we picked ourselves may be swapped for another one.
        if (!portIsOurs) break;
      }
    }
    this.cleanupNow();
    throw transportError('REDIS_SERVER_FAILED', `redis-server did not start: ${lastFailure?.message ?? 'unknown reason'}`, lastFailure);
  }

  /** Graceful stop (SIGTERM, SIGKILL after 5 s), then the temp dir is removed. */
  async stop(): Promise<void> {
    await this.terminateChild();
    this.cleanupNow();
  }

  /** SIGKILL, as a crash would: the data dir stays for `restart()`. */
  async kill(): Promise<void> {
    await this.killChild();
  }

  /** Stops the server if it runs and starts it again on the same port and dir. */
  async restart(): Promise<void> {
    if (this.fixedPort === undefined) throw transportError('REDIS_SERVER_FAILED', 'restart() before start()');
    await this.terminateChild();
    await this.start();
  }

  private async spawnAndWait(port: number): Promise<void> {
    const persistence = this.persistent
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
      : ['--appendonly', 'no', '--save', ''];
    const args = [
      '--port', String(port),
      '--bind', HOST,
      '--protected-mode', 'yes',
      '--dir', this.dataDir as string,
      '--daemonize', 'no',
      '--logfile', '',
      '--loglevel', 'warning',
      ...persistence,
    ];
    this.logTail = [];
    const child = spawn(this.executable, args, { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
    this.child = child;
    this.childExited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.logTail.push(line);
        if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
    const outcome = await Promise.race([
      waitForPong(HOST, port, { timeoutMs: this.startTimeoutMs, isAlive: () => child.exitCode === null && child.signalCode === null }),
      spawnError,
    ]);
    if (outcome === 'pong') return;
    const why = outcome instanceof Error ? outcome.message : `no PONG on ${HOST}:${port} (last: ${outcome})`;
    throw new Error(`${why}; redis-server log: ${this.logTail.join(' | ') || '(empty)'}`);
  }

  private async terminateChild(): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.isRunning) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.childExited;
    clearTimeout(timer);
    this.child = undefined;
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    if (this.isRunning) child.kill('SIGKILL');
    await this.childExited;
    this.child = undefined;
  }

  private ensureCleanupRegistered(): void {
    if (this.unregisterCleanup !== undefined) return;
    this.unregisterCleanup = registerExitCleanup(() => {
      if (this.isRunning) this.child?.kill('SIGKILL');
      if (this.dataDir !== undefined) rmSync(this.dataDir, { recursive: true, force: true });
    });
  }

  private cleanupNow(): void {
    this.unregisterCleanup?.();
    this.unregisterCleanup = undefined;
    if (this.dataDir !== undefined) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }
}
