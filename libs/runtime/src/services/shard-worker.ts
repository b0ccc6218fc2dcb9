import type { ClusterTestHooks } from '@migsim/cluster';
import { decodeDelivery, unpackPageStreams } from '@migsim/protocol';
import type { Journal, JsonValue } from '@migsim/transport';
import { RunWorlds } from '../run-worlds';
import { ShardRuntime } from '../shard-runtime';
import type { RunFactsV1, RunStartV1, ShardInbound, WindowDoneV1, WindowOpenV1 } from '@migsim/protocol';
import { coordinatorQueue, doneJobId, factsJobId, shardJournalKey } from './run-naming';

export interface ShardWorkerDeps {
  readonly shard: string;
  /**
   * Sends and resolves once the message is in its queue (libs/transport's
   * `Outbox.deliver`, which retries through a Redis outage): the input is
   * acknowledged only after its answer is out, so a crash in between has the
   * input delivered again.
   */
  deliver(queue: string, message: WindowDoneV1 | RunFactsV1, jobId: string): Promise<void>;
  readonly journal: Journal;
  log(line: string): void;
  /** Tests only: bugs to inject in the hosts' actors. */
  readonly hooks?: ClusterTestHooks;
}

/**
 * One shard's side of the window protocol in a host process, for every run:
 * it journals each input (the run's start, each window's open) before acting
 * on it, runs the window through the run's `ShardRuntime`, and sends the
 * window's done report (with the mail of its hosts) to the coordinator. A
 * process that takes a shard over from one that died (or a restarted one)
 * rebuilds the run from the journal on the first message it gets for it:
 * same inputs, same actors, same answers; its re-sent answers carry the same
 * job ids, so the queue drops the ones that already arrived.
 */
export class ShardWorker {
  private readonly runs = new Map<string, ShardRuntime>();

  constructor(private readonly deps: ShardWorkerDeps) {}

  get activeRuns(): number {
    return this.runs.size;
  }

  async handle(message: ShardInbound): Promise<void> {
    switch (message.type) {
      case 'migsim.run-start': {
        if (this.runs.has(message.run)) return;
        const journal = await this.deps.journal.read(shardJournalKey(message.run, this.deps.shard));
        if (journal.length === 0) await this.deps.journal.append(shardJournalKey(message.run, this.deps.shard), [message as unknown as JsonValue]);
        this.runs.set(message.run, journal.length === 0 ? this.build(message) : this.rebuild(journal));
        return;
      }
      case 'migsim.window-open': {
        // Validated at the edge: every delivery against its message kind (libs/protocol), before anything runs.
        message.mail.forEach((item, index) => decodeDelivery(item.delivery, `$.mail[${index}].delivery`));
        unpackPageStreams(message.streams, '$.streams', decodeDelivery);
        const runtime = await this.runtime(message.run);
        // Only the next window is an input to keep: the last one is answered again from what it sent, and any
        // other is refused by runWindow. A refused open in the journal would stop every later rebuild of the shard.
        // The window runs while its entry is on its way to Redis; its answer leaves only once the entry is in.
        const journaled = message.window === runtime.lastWindow + 1 ? this.deps.journal.append(shardJournalKey(message.run, this.deps.shard), [message as unknown as JsonValue]) : undefined;
        let done: WindowDoneV1;
        try {
          done = runtime.runWindow(message);
        } finally {
          await journaled;
        }
        await this.deps.deliver(coordinatorQueue(), done, doneJobId(message.run, done.window, this.deps.shard));
        return;
      }
      case 'migsim.run-finish': {
        const runtime = await this.runtime(message.run);
        await this.deps.deliver(coordinatorQueue(), runtime.finish(), factsJobId(message.run, this.deps.shard));
        this.runs.delete(message.run);
        return;
      }
    }
  }

  private async runtime(run: string): Promise<ShardRuntime> {
    const known = this.runs.get(run);
    if (known !== undefined) return known;
    const journal = await this.deps.journal.read(shardJournalKey(run, this.deps.shard));
    if (journal.length === 0) throw new Error(`shard ${this.deps.shard} has no record of run ${run} (its start never arrived)`);
    const runtime = this.rebuild(journal);
    this.runs.set(run, runtime);
    return runtime;
  }

  private build(start: RunStartV1): ShardRuntime {
    const worlds = new RunWorlds(start.scenarioText, start.scenarioFile, start.seed, start.shards, this.deps.hooks);
    return new ShardRuntime(start.run, this.deps.shard, worlds);
  }

  /** Replays a journal: the run's start, then every window opened so far (their answers were sent before). */
  private rebuild(journal: readonly JsonValue[]): ShardRuntime {
    const [start, ...opens] = journal as unknown as [RunStartV1, ...WindowOpenV1[]];
    const runtime = this.build(start);
    for (const open of opens) runtime.runWindow(open);
    this.deps.log(`run ${start.run}: shard ${this.deps.shard} rebuilt from its journal (${opens.length} window(s) replayed)`);
    return runtime;
  }
}
