import type { ClusterTestHooks, ControllerActor, FaultEntry } from '@migsim/cluster';
import { COORDINATOR, decodeDelivery, malformedMail, unpackPageStreams } from '@migsim/protocol';
import type { Report } from '@migsim/report';
import { runReport } from '@migsim/sim';
import type { Journal, JsonValue } from '@migsim/transport';
import { CoordinatorRuntime, type CoordinatorCommand } from '../coordinator-runtime';
import { RunWorlds } from '../run-worlds';
import type { CoordinatorInbound, RunFinishV1, RunStartV1, ShardAssignment, WindowDoneV1, WindowOpenV1 } from '@migsim/protocol';
import { coordinatorJournalKey, finishJobId, openJobId, shardJournalKey, shardQueue, startJobId } from './run-naming';

/** What a run is, fixed when it starts: a replay must rebuild exactly this. */
export interface RunSpec {
  run: string;
  scenarioText: string;
  scenarioFile: string;
  seed: number;
  shards: ShardAssignment[];
  /** Virtual seconds per wall second (40: 40x), or null for as fast as the processes go. */
  speed: number | null;
  /** Wall time (ms since the epoch) that virtual time 0 corresponds to, for pacing. */
  epochWallMs: number;
}

/** How long one window may be in wall time when paced, so a watcher sees virtual time move smoothly. */
const PACED_WINDOW_WALL_MS = 200;

/**
 * An unpaced run asks its shards for their hosts' live news at most this
 * often in wall time (and in its last window): a study runs windows by the
 * hundred per second, and every running migration's `query-migrate` reply in
 * each of them would cost more than the window. A paced run asks every window.
 */
const UNPACED_LIVE_NEWS_WALL_MS = 250;

export interface RunProgress {
  run: string;
  window: number;
  /** Virtual time every actor has reached. */
  reachedNs: number;
}

export interface RunCoordinatorDeps {
  send(queue: string, message: RunStartV1 | WindowOpenV1 | RunFinishV1, jobId: string): void;
  readonly journal: Journal;
  nowMs(): number;
  /** Runs `task` after `delayMs` of wall time (pacing). */
  later(task: () => void, delayMs: number): void;
  log(line: string): void;
  onProgress?(progress: RunProgress): void;
  /** A shard's news for a live view, as each window's report arrives (before the window is acted on). */
  onLive?(run: string, done: WindowDoneV1): void;
  onReport(run: string, report: Report): Promise<void> | void;
  readonly hooks?: ClusterTestHooks;
}

interface ActiveRun {
  spec: RunSpec;
  runtime: CoordinatorRuntime;
  startedWallMs: number;
  /** When the run last asked its shards for live news (wall time). */
  liveNewsWallMs: number;
  /** Inputs of a run are taken one at a time, in the order they are journaled (a reply and an injection may race). */
  lock: Promise<void>;
}

/** An operator's "inject now", as the journal keeps it: the `faults:` entry, taken at the window it comes in. */
export interface InjectionV1 {
  readonly v: 1;
  readonly type: 'migsim.inject';
  readonly run: string;
  readonly fault: FaultEntry;
}

/**
 * The coordinator side of every run, in the controller's process: it starts
 * a run (the scenario goes to every shard, then window 0), takes in each
 * shard's done reports and facts, journaling each before acting on it, and
 * sends what `CoordinatorRuntime` decides next — paced, when the run is, so
 * virtual time never runs ahead of `speed` x wall time. A restarted
 * coordinator `resume`s each unfinished run by replaying its journal and
 * re-sending the current window (the same job ids: a no-op where it arrived).
 */
export class RunCoordinator {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(private readonly deps: RunCoordinatorDeps) {}

  get activeRuns(): number {
    return this.runs.size;
  }

  /** The run's controllers, one per variant (read-only use: a live view of records, placement and events). */
  controllersOf(run: string): readonly ControllerActor[] {
    return this.runs.get(run)?.runtime.controllerActors ?? [];
  }

  progress(run: string): RunProgress | undefined {
    const active = this.runs.get(run);
    if (active === undefined) return undefined;
    return { run, window: active.runtime.currentWindow, reachedNs: active.runtime.reachedNs };
  }

  async start(spec: RunSpec): Promise<void> {
    await this.deps.journal.append(coordinatorJournalKey(spec.run), [spec as unknown as JsonValue]);
    const active = this.activate(spec);
    for (const shard of active.runtime.worlds.activeShards) {
      this.deps.send(
        shardQueue(shard.id),
        { v: 1, type: 'migsim.run-start', run: spec.run, shard: shard.id, scenarioText: spec.scenarioText, scenarioFile: spec.scenarioFile, seed: spec.seed, shards: spec.shards },
        startJobId(spec.run, shard.id),
      );
    }
    this.dispatch(active, active.runtime.begin());
  }

  /** Rebuilds an unfinished run from its journal and re-sends its current window. */
  async resume(run: string): Promise<boolean> {
    const journal = await this.deps.journal.read(coordinatorJournalKey(run));
    if (journal.length === 0) return false;
    const [spec, ...inputs] = journal as unknown as [RunSpec, ...(CoordinatorInbound | InjectionV1)[]];
    const active = this.activate(spec);
    let last: CoordinatorCommand | undefined = active.runtime.begin();
    for (const input of inputs) {
      if (input.type === 'migsim.window-done') last = active.runtime.onDone(input) ?? last;
      else if (input.type === 'migsim.inject') active.runtime.inject(input.fault);
      else active.runtime.onFacts(input);
    }
    this.deps.log(`run ${run}: coordinator rebuilt from its journal (${inputs.length} report(s) replayed, window ${active.runtime.currentWindow})`);
    if (last !== undefined) this.dispatch(active, last);
    return true;
  }

  /**
   * An operator's fault ("inject now": a scenario file's `faults:` entry
   * without `at`, such as a host crash, a link down or a cancel), into every
   * variant of the run at the start of the next window. Checked first, then
   * journaled in order with the shards' reports, so a replay injects it at
   * the same point. Returns its virtual time, or undefined when the run is
   * not here or already in its last window.
   *
   * @throws ScenarioError when the entry does not fit the run's scenario (nothing is journaled).
   */
  async inject(run: string, fault: FaultEntry): Promise<number | undefined> {
    const active = this.runs.get(run);
    if (active === undefined) return undefined;
    return this.serially(active, async () => {
      if (active.runtime.inLastWindow) return undefined;
      for (const controller of active.runtime.controllerActors) controller.normalizeInjection(fault, active.runtime.currentBoundNs);
      const injection: InjectionV1 = { v: 1, type: 'migsim.inject', run, fault };
      await this.deps.journal.append(coordinatorJournalKey(run), [injection as unknown as JsonValue]);
      return active.runtime.inject(fault);
    });
  }

  async handle(message: CoordinatorInbound): Promise<void> {
    const active = this.runs.get(message.run);
    if (active === undefined) return; // a run that ended, or another coordinator's
    await this.serially(active, () => this.take(active, message));
  }

  private serially<T>(active: ActiveRun, task: () => Promise<T>): Promise<T> {
    const result = active.lock.then(task);
    active.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async take(active: ActiveRun, message: CoordinatorInbound): Promise<void> {
    if (message.type === 'migsim.window-done') {
      if (message.window !== active.runtime.currentWindow) return; // a re-sent report of a window already closed
      // Validated at the edge: every delivery against its message kind (libs/protocol), before it is journaled.
      for (const [bag, { to, items, streams }] of message.mail.entries()) {
        items.forEach((item, index) => decodeDelivery(item.delivery, `$.mail[${bag}].items[${index}].delivery`));
        if (to === COORDINATOR && (streams?.length ?? 0) > 0) throw malformedMail(`$.mail[${bag}].streams: expected none for the coordinator (page data goes from host to host)`);
        unpackPageStreams(streams, `$.mail[${bag}].streams`, decodeDelivery);
      }
      // A replay never reads the live news, so the journal leaves it out. The window is worked out while the
      // entry is on its way to Redis; what it decided goes out only once the entry is in.
      const journaled = this.deps.journal.append(coordinatorJournalKey(message.run), [{ ...message, live: [] } as unknown as JsonValue]);
      let command: CoordinatorCommand | undefined;
      try {
        this.deps.onLive?.(message.run, message);
        command = active.runtime.onDone(message);
      } finally {
        await journaled;
      }
      if (command !== undefined) this.dispatch(active, command);
      return;
    }
    await this.deps.journal.append(coordinatorJournalKey(message.run), [message as unknown as JsonValue]);
    const variants = active.runtime.onFacts(message);
    if (variants === undefined) return;
    const { spec, runtime } = active;
    const windows = runtime.currentWindow + 1;
    const report = runReport(
      runtime.worlds.scenario,
      {
        seed: spec.seed,
        engine: 'services',
        scenarioFile: spec.scenarioFile,
        execution: {
          driver: 'services',
          wallMs: Math.max(0, this.deps.nowMs() - active.startedWallMs),
          windows,
          windowsPerSimulatedSecond: windows / (runtime.worlds.horizonNs / 1e9),
          speed: spec.speed,
          shards: spec.shards.map((shard) => ({ id: shard.id, hosts: shard.hosts.length })),
        },
      },
      variants,
    );
    this.runs.delete(message.run);
    await this.deps.onReport(message.run, report);
    await this.forget(spec);
  }

  private activate(spec: RunSpec): ActiveRun {
    const worlds = new RunWorlds(spec.scenarioText, spec.scenarioFile, spec.seed, spec.shards, this.deps.hooks);
    const maxWindowNs = spec.speed === null ? Infinity : spec.speed * PACED_WINDOW_WALL_MS * 1e6;
    const active: ActiveRun = { spec, runtime: new CoordinatorRuntime(spec.run, worlds, maxWindowNs), startedWallMs: this.deps.nowMs(), liveNewsWallMs: -Infinity, lock: Promise.resolve() };
    this.runs.set(spec.run, active);
    return active;
  }

  /** Sends a command; a paced run's next window waits until the wall clock lets virtual time reach its bound. */
  private dispatch(active: ActiveRun, command: CoordinatorCommand): void {
    const send = () => {
      if (command.kind === 'open') {
        const live = this.wantsLiveNews(active, active.runtime.inLastWindow);
        for (const open of command.messages) this.deps.send(shardQueue(open.shard), live ? open : { ...open, live: false }, openJobId(open.run, open.window, open.shard));
        this.deps.onProgress?.({ run: active.spec.run, window: active.runtime.currentWindow, reachedNs: active.runtime.reachedNs });
      } else {
        for (const finish of command.messages) this.deps.send(shardQueue(finish.shard), finish, finishJobId(finish.run, finish.shard));
      }
    };
    const speed = active.spec.speed;
    if (command.kind !== 'open' || speed === null) {
      send();
      return;
    }
    const dueWallMs = active.spec.epochWallMs + active.runtime.currentBoundNs / 1e6 / speed;
    const delayMs = dueWallMs - this.deps.nowMs();
    if (delayMs <= 0) send();
    else this.deps.later(send, delayMs);
  }

  private wantsLiveNews(active: ActiveRun, final: boolean): boolean {
    const nowMs = this.deps.nowMs();
    if (active.spec.speed === null && !final && nowMs - active.liveNewsWallMs < UNPACED_LIVE_NEWS_WALL_MS) return false;
    active.liveNewsWallMs = nowMs;
    return true;
  }

  /** A reported run needs its journals no more. */
  private async forget(spec: RunSpec): Promise<void> {
    await this.deps.journal.remove(coordinatorJournalKey(spec.run));
    for (const shard of spec.shards) await this.deps.journal.remove(shardJournalKey(spec.run, shard.id));
  }
}
