import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ControllerActor, FaultEntry } from '@migsim/cluster';
import { renderJson, type Report } from '@migsim/report';
import type { CoordinatorInbound, RunWireMessage, WindowDoneV1 } from '@migsim/protocol';
import { planShards, RunCoordinator } from '@migsim/runtime';
import { loadScenario, ScenarioError, type Scenario } from '@migsim/scenario';
import { presenceKey, RedisJournal, RedisStateStore, type Outbox } from '@migsim/transport';
import { OUTBOX } from '@migsim/transport/nest';
import { Subject } from 'rxjs';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';
import { LiveNews } from '../live/live-news';
import { ControllerMetrics } from './controller-metrics';
import type { RunRecord } from './run-record';
import { parseStoredReport, RunStore } from './run-store';

export interface LiveEvent {
  kind: string;
  data: Record<string, unknown>;
}

export class ScenarioRejectedError extends Error {
  readonly code = 'SCENARIO_INVALID';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * The controller's runs: each submitted scenario becomes a run of the window
 * protocol (libs/runtime's RunCoordinator, which runs the variants'
 * controller actors here and the hosts' actors in the shard workers), its
 * record and report kept in Redis. A restarted controller resumes every
 * unfinished run from the coordinator's journal. Everything simulated is
 * decided by the actors; this class only starts runs, files their reports,
 * and tells the live page what happens.
 */
@Injectable()
export class RunsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly metrics = new ControllerMetrics();
  readonly live = new Subject<LiveEvent>();
  readonly news = new LiveNews();
  private readonly redis: RedisStateStore;
  private readonly store: RunStore;
  private readonly journal: RedisJournal;
  private readonly coordinator: RunCoordinator;
  private readonly records = new Map<string, RunRecord>();
  private readonly scenarios = new Map<string, Scenario>();
  private readonly reports = new Map<string, Report>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per run, how many of each variant's controller events the live stream has carried. */
  private readonly controllerEventsSent = new Map<string, number[]>();

  constructor(
    @Inject(CONTROLLER_CONFIG) readonly config: ControllerConfig,
    @Inject(OUTBOX) private readonly outbox: Outbox<RunWireMessage>,
  ) {
    this.redis = new RedisStateStore({ url: config.redisUrl, namespace: config.namespace });
    this.store = new RunStore(this.redis);
    this.journal = new RedisJournal({ url: config.redisUrl, namespace: config.namespace });
    this.coordinator = new RunCoordinator({
      send: (queue, message, jobId) => this.outbox.push(queue, message, jobId),
      journal: this.journal,
      nowMs: () => Date.now(),
      later: (task, delayMs) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          task();
        }, delayMs);
        this.timers.add(timer);
      },
      log: (line) => this.log(line),
      onProgress: (progress) => {
        // A paced window's open can fire after its run failed: an ended run keeps no window series.
        if (this.records.get(progress.run)?.status === 'running') this.metrics.windowOpened(progress.run, progress.window);
        this.publishControllerEvents(progress.run);
        this.publish('run-progress', { run: progress.run, window: progress.window, simulatedMs: progress.reachedNs / 1e6 });
      },
      onLive: (run, done) => this.onLive(run, done),
      onReport: (run, report) => this.complete(run, report),
    });
  }

  async onModuleInit(): Promise<void> {
    for (const record of await this.store.loadAll()) {
      this.records.set(record.id, record);
      if (record.status !== 'running') continue;
      if (await this.coordinator.resume(record.id)) {
        this.log(`resumed run ${record.id} from its journal`);
      } else {
        this.fail(record, 'its journal is gone from Redis');
      }
    }
  }

  /** Ends the SSE streams first, or the HTTP server would wait for them forever. */
  beforeApplicationShutdown(): void {
    this.live.complete();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.outbox.drain(3_000);
    await this.journal.close();
    this.redis.close();
  }

  /** Validates and starts a run; throws ScenarioRejectedError with one line per problem. */
  async createRun(text: string, fileName: string): Promise<RunRecord> {
    let scenario: Scenario;
    try {
      scenario = loadScenario(text, fileName);
    } catch (error) {
      if (error instanceof ScenarioError) throw new ScenarioRejectedError(error.format().split('\n'));
      throw error;
    }
    const id = `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const now = Date.now();
    const record: RunRecord = {
      id,
      status: 'running',
      scenarioText: text,
      fileName,
      seed: scenario.seed,
      speed: this.config.speed,
      epochMs: now + this.config.startDelayMs,
      shards: planShards(scenario, this.config.sourceShards, this.config.destinationShards),
      createdAtMs: now,
      finishedAtMs: null,
      error: null,
    };
    await this.store.save(record);
    this.records.set(id, record);
    this.scenarios.set(id, scenario);
    await this.coordinator.start({
      run: id,
      scenarioText: text,
      scenarioFile: fileName,
      seed: record.seed,
      shards: record.shards,
      speed: record.speed,
      epochWallMs: record.epochMs,
    });
    this.publish('run-created', { run: id, scenario: scenario.name, variants: scenario.variants.length, speed: record.speed, epochMs: record.epochMs });
    return record;
  }

  /** A shard's window report or facts (CoordinatorMessagesController). A run that breaks fails; it is not retried. */
  async onMessage(message: CoordinatorInbound): Promise<void> {
    this.metrics.messagesConsumed.inc({ type: message.type });
    const record = this.records.get(message.run);
    try {
      await this.coordinator.handle(message);
    } catch (error) {
      if (record === undefined || record.status !== 'running') throw error;
      this.log(`run ${record.id} failed: ${(error as Error).stack}`);
      this.fail(record, (error as Error).message);
    }
  }

  /**
   * An operator's fault into a running run (the API's and the live page's
   * "inject now"): recorded in the run's journal at the virtual time it takes
   * effect, so a resumed run injects it again at the same point. Returns that
   * time, or undefined when the run is not running here.
   *
   * @throws ScenarioError when the entry does not fit the run's scenario.
   */
  async inject(id: string, fault: FaultEntry): Promise<number | undefined> {
    const atNs = await this.coordinator.inject(id, fault);
    if (atNs !== undefined) this.publish('fault-injected', { run: id, fault, tMs: atNs / 1e6 });
    return atNs;
  }

  runs(): RunRecord[] {
    return [...this.records.values()];
  }

  run(id: string): RunRecord | undefined {
    return this.records.get(id);
  }

  scenarioOf(record: RunRecord): Scenario {
    let scenario = this.scenarios.get(record.id);
    if (scenario === undefined) {
      scenario = loadScenario(record.scenarioText, record.fileName);
      this.scenarios.set(record.id, scenario);
    }
    return scenario;
  }

  /** The run's controllers (one per variant) while it runs here; empty once it ended. */
  controllersOf(id: string): readonly ControllerActor[] {
    return this.coordinator.controllersOf(id);
  }

  /** A completed run's report, read from Redis and parsed once (a report never changes); null while there is none. */
  async report(id: string): Promise<Report | null> {
    const cached = this.reports.get(id);
    if (cached !== undefined) return cached;
    const json = await this.store.loadReport(id);
    if (json === null) return null;
    const report = parseStoredReport(json);
    this.reports.set(id, report);
    return report;
  }

  /** Virtual time the run's actors have all reached (its horizon once it ended). */
  reachedNs(record: RunRecord): number {
    const progress = this.coordinator.progress(record.id);
    if (progress !== undefined) return progress.reachedNs;
    return record.status === 'completed' ? this.scenarioOf(record).horizonNs : 0;
  }

  /** The shards runs are spread over, and whether a host worker holds each one's lease now. */
  async shards(): Promise<{ name: string; role: 'source' | 'destination'; served: boolean; owner: string | null }[]> {
    const shards = [
      ...this.config.sourceShards.map((name) => ({ name, role: 'source' as const })),
      ...this.config.destinationShards.map((name) => ({ name, role: 'destination' as const })),
    ];
    return Promise.all(
      shards.map(async (shard) => {
        const owner = await this.redis.get(presenceKey(shard.name)).catch(() => null);
        return { ...shard, served: typeof owner === 'string', owner: typeof owner === 'string' ? owner : null };
      }),
    );
  }

  async redisReachable(): Promise<boolean> {
    try {
      const up = await this.store.ping();
      this.metrics.redisUp.set(up ? 1 : 0);
      return up;
    } catch {
      this.metrics.redisUp.set(0);
      return false;
    }
  }

  private onLive(run: string, done: WindowDoneV1): void {
    const record = this.records.get(run);
    if (record === undefined) return;
    this.publishControllerEvents(run);
    const scenario = this.scenarioOf(record);
    for (const entry of done.live) {
      const variant = scenario.variants[entry.variant]?.name;
      if (variant === undefined) continue;
      for (const host of entry.hosts) {
        this.news.add(run, variant, host);
        for (const event of host.events) this.publish(event.kind, { run, variant, tMs: event.tNs / 1e6, kind: event.kind, subject: event.subject, detail: event.detail });
        for (const migration of host.migrations) this.publish('migration-progress', { run, variant, migration: migration.migration, attempt: migration.attempt, info: migration.info, phase: migration.phase, round: migration.round });
        if (host.samples.length > 0) this.publish('vm-samples', { run, variant, host: host.host, vms: host.samples.map((sample) => ({ variant, vm: sample.vm, points: sample.points })) });
      }
    }
  }

  private async complete(run: string, report: Report): Promise<void> {
    const record = this.records.get(run);
    if (record === undefined) return;
    await this.store.saveReport(run, renderJson(report));
    // The status GET /runs/:id reads and the metrics change in one step: whoever sees `completed` finds the
    // run counted and its window series gone, even while the record is still being saved.
    record.status = 'completed';
    record.finishedAtMs = Date.now();
    this.metrics.runEnded(run, 'completed');
    await this.store.save(record);
    this.controllerEventsSent.delete(run);
    this.publish('run-completed', { run, checks: report.summary.checks, windows: report.execution?.windows ?? null });
  }

  private fail(record: RunRecord, error: string): void {
    record.status = 'failed';
    record.error = error;
    record.finishedAtMs = Date.now();
    this.metrics.runEnded(record.id, 'failed');
    this.controllerEventsSent.delete(record.id);
    void this.store.save(record).catch((saveError: Error) => this.log(`cannot save run ${record.id}: ${saveError.message}`));
    this.publish('run-failed', { run: record.id, error });
  }

  /**
   * The events the run's controllers (one per variant) logged since the last
   * call, as the shards' host events go: one live event each, named by its
   * kind (`fault`, `migration-queued`, `retry-scheduled`, `plan-started`, ...).
   * The controllers run a window ahead of the shards' reports, so an event
   * may reach the stream up to one window before the hosts' news of that time.
   */
  private publishControllerEvents(run: string): void {
    const record = this.records.get(run);
    const controllers = this.coordinator.controllersOf(run);
    if (record === undefined || controllers.length === 0) return;
    const variants = this.scenarioOf(record).variants;
    const sent = this.controllerEventsSent.get(run) ?? controllers.map(() => 0);
    controllers.forEach((controller, index) => {
      const log = controller.eventLog;
      for (let i = sent[index] ?? 0; i < log.length; i++) {
        const event = log[i]!;
        this.publish(event.kind, { run, variant: variants[index]?.name, tMs: event.tNs / 1e6, kind: event.kind, subject: event.subject, detail: event.detail });
      }
      sent[index] = log.length;
    });
    this.controllerEventsSent.set(run, sent);
  }

  private publish(kind: string, data: Record<string, unknown>): void {
    this.live.next({ kind, data });
  }

  private log(line: string): void {
    process.stderr.write(`[controller] ${line}\n`);
  }
}
