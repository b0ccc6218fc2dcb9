import { Worker } from 'node:worker_threads';
import type { RunResult, RunTask, ShrinkResult, ShrinkTask } from '@migsim/sweep';
import type { ThreadReply, ThreadRequest, ThreadTask } from './thread-protocol';

interface Pending {
  task: ThreadTask;
  resolve: (result: RunResult | ShrinkResult) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed set of worker threads, each running one task at a time: the
 * threads start once (Node's start-up and the engine's compilation are paid
 * once per thread, not per run) and tasks queue for the next free thread.
 * A thread that dies or a task that throws rejects that task's promise.
 */
export class ThreadPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, { id: number; pending: Pending }>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  run(task: RunTask): Promise<RunResult> {
    return this.submit({ kind: 'run', run: task }) as Promise<RunResult>;
  }

  shrink(task: ShrinkTask): Promise<ShrinkResult> {
    return this.submit({ kind: 'shrink', shrink: task }) as Promise<ShrinkResult>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private submit(task: ThreadTask): Promise<RunResult | ShrinkResult> {
    if (this.closed) return Promise.reject(new Error('the thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      this.busy.set(worker, { id, pending });
      const request: ThreadRequest = { id, task: pending.task };
      worker.postMessage(request);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./sweep-thread-entry.mjs', import.meta.url));
    worker.on('message', (reply: ThreadReply) => {
      const current = this.busy.get(worker);
      if (current === undefined || current.id !== reply.id) return;
      this.busy.delete(worker);
      if (reply.ok) current.pending.resolve(reply.result);
      else current.pending.reject(new Error(reply.message));
      if (!this.closed) {
        this.idle.push(worker);
        this.dispatch();
      }
    });
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    // 'exit' follows 'error': the thread is replaced once.
    worker.on('exit', (code) => {
      if (!this.closed) this.lost(worker, failure ?? new Error(`a sweep thread exited with code ${code}`));
    });
    return worker;
  }

  /** A thread died: its task fails, and a new thread takes its place. */
  private lost(worker: Worker, error: Error): void {
    const current = this.busy.get(worker);
    this.busy.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
    if (current !== undefined) current.pending.reject(error);
    if (!this.closed) {
      this.idle.push(this.spawn());
      this.dispatch();
    }
  }
}
