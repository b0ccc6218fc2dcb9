import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Processes that keep a core busy each (`node -e 'for(;;);'`), so a test
 * runs the services on a machine with less CPU than it has cores' worth of
 * work. Killed by `stop()`, and on exit of this process whatever happened.
 */
export class CpuBurners {
  private readonly children: ChildProcess[] = [];
  private readonly cleanup = () => this.killAll();

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.children.push(spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' }));
    process.once('exit', this.cleanup);
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid!);
  }

  /** Whether every burner still runs (a test asserts they burned all along). */
  get running(): boolean {
    return this.children.every((child) => child.exitCode === null && child.signalCode === null);
  }

  async stop(): Promise<void> {
    const exits = this.children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((done) => child.once('exit', done)) : Promise.resolve()));
    this.killAll();
    await Promise.all(exits);
    process.removeListener('exit', this.cleanup);
  }

  private killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}
