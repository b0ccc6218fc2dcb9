import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { buildReport, type Report } from '@migsim/report';
import { loadScenario, ScenarioError, type Scenario } from '@migsim/scenario';
import { MIGSIM_VERSION } from '@migsim/sim';
import { migrationJobId, RedisStateStore, type BullmqQueuePort, type Outbox } from '@migsim/transport';
import { OUTBOX, QUEUE_PORT } from '@migsim/transport/nest';
import { Subject } from 'rxjs';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';
import { asJson, type HostCommandKind, type ServiceMessage, type WireMessage } from '@migsim/protocol';
import { ControllerMetrics } from './controller-metrics';
import type { RunRecord } from './run-record';
import { newRunRecord } from './migration-state';
import { RunDriver } from './run-driver';
import { RunStore } from './run-store';
import { variantReport } from './variant-report';

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
 * How often a run whose only change is migration progress is saved. Progress
 * arrives from every running migration several times a second and each save
 * writes the whole record; a controller restarted in between shows the
 * progress of the next report instead.
 */
const PROGRESS_SAVE_MS = 500;

/**
 * The controller's heart: owns every run (persisted in Redis), drives them on
 * the scaled clock, sends host commands and consumes host events through
 * BullMQ, tracks host liveness from heartbeats, and assembles each report.
 */
@Injectable()
export class RunsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly metrics = new ControllerMetrics();
  readonly live = new Subject<LiveEvent>();
  private readonly redis: RedisStateStore;
  private readonly store: RunStore;
  private readonly drivers = new Map<string, RunDriver>();
  private readonly records = new Map<string, RunRecord>();
  private readonly dirty = new Set<string>();
  /** Runs whose only unsaved change is progress (`lastInfo`): saved at most every PROGRESS_SAVE_MS. */
  private readonly progressed = new Set<string>();
  private lastProgressSaveMs = 0;
  private readonly hostsSeen = new Map<string, { role: string; lastSeenMs: number; detail: Record<string, unknown> }>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | null = null;
  private redisHealthySinceMs: number | null = null;
  private readonly startedAtMs = Date.now();

  constructor(
    @Inject(CONTROLLER_CONFIG) readonly config: ControllerConfig,
    @Inject(QUEUE_PORT) private readonly port: BullmqQueuePort<WireMessage>,
    @Inject(OUTBOX) private readonly outbox: Outbox<WireMessage>,
  ) {
    this.redis = new RedisStateStore({ url: config.redisUrl, namespace: config.namespace });
    this.store = new RunStore(this.redis);
  }

  async onModuleInit(): Promise<void> {
    for (const record of await this.store.loadAll()) {
      this.records.set(record.id, record);
      if (record.status === 'running') {
        this.drivers.set(record.id, new RunDriver(record, loadScenario(record.scenarioText, record.fileName), this.driverOutput(record.id)));
        this.log(`resumed run ${record.id} from Redis`);
      }
    }
    this.redisHealthySinceMs = Date.now();
    this.timer = setInterval(() => void this.tick(), this.config.tickMs);
  }

  /** Ends the SSE streams first, or the HTTP server would wait for them forever. */
  beforeApplicationShutdown(): void {
    this.live.complete();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const id of this.progressed) this.dirty.add(id);
    await this.flush().catch(() => undefined);
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
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
    const record = newRunRecord({ id, scenarioText: text, fileName, epochMs: now + this.config.startDelayMs, speed: this.config.speed, createdAtMs: now }, scenario);
    await this.store.save(record);
    this.records.set(id, record);
    this.drivers.set(id, new RunDriver(record, scenario, this.driverOutput(id)));
    this.publish('run-created', { run: id, scenario: scenario.name, variants: scenario.variants.length, speed: record.speed, epochMs: record.epochMs });
    return record;
  }

  runs(): RunRecord[] {
    return [...this.records.values()];
  }

  run(id: string): RunRecord | undefined {
    return this.records.get(id);
  }

  report(id: string): Promise<Report | null> {
    return this.store.loadReport(id);
  }

  simNowNs(record: RunRecord, wallMs = Date.now()): number {
    return Math.max(0, (wallMs - record.epochMs) * record.speed * 1e6);
  }

  hosts(): { name: string; role: string; alive: boolean; lastSeenMsAgo: number; detail: Record<string, unknown> }[] {
    const dead = this.deadHosts();
    return [...this.hostsSeen].map(([name, seen]) => ({ name, role: seen.role, alive: !dead.has(name), lastSeenMsAgo: Date.now() - seen.lastSeenMs, detail: seen.detail }));
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

  private driverOutput(driverRun: string) {
    return {
      command: (host: string, kind: HostCommandKind, body: unknown, key: { migration: string; attempt: number; seq: number }) => {
        const message: ServiceMessage = { v: 1, type: 'migsim.host-command', run: driverRun, host, kind, body: asJson(body) };
        this.metrics.commandsSent.inc({ kind });
        this.outbox.push(this.port.layout.hostCommands(host), message, migrationJobId({ run: driverRun, migration: key.migration, attempt: key.attempt, seq: key.seq }));
      },
      publish: (kind: string, data: Record<string, unknown>) => this.publish(kind, data),
    };
  }

  /** One host event (HostEventsController): heartbeats, live samples, and what the run drivers act on. */
  async onMessage(message: WireMessage): Promise<void> {
    if (message.type !== 'migsim.host-event') throw new Error(`unexpected ${message.type} on the controller's event queue`);
    this.metrics.eventsConsumed.inc({ kind: message.kind });
    if (message.kind === 'host.heartbeat') {
      this.hostsSeen.set(message.host, { role: String((message.body as { role?: string }).role ?? 'unknown'), lastSeenMs: Date.now(), detail: message.body as Record<string, unknown> });
      return;
    }
    const driver = this.drivers.get(message.run);
    if (driver === undefined) return;
    if (message.kind === 'vm.samples') {
      // Timeline points for the live page only: the report takes the VM's whole timeline at the end.
      this.publish('vm-samples', { run: message.run, host: message.host, ...(message.body as Record<string, unknown>) });
      return;
    }
    if (driver.onEvent(message.host, message.kind, message.body as Record<string, unknown>)) {
      if (message.kind === 'migration.ended') this.metrics.migrationsEnded.inc({ outcome: String((message.body as { outcome?: string }).outcome) });
      // A progress report only refreshes `lastInfo` (the next one supersedes it): the tick saves it, at most every PROGRESS_SAVE_MS.
      if (message.kind === 'migration.progress') {
        this.progressed.add(message.run);
        return;
      }
      this.dirty.add(message.run);
      // Acknowledge any other event only once its effect is in Redis: a controller killed now gets it again.
      await this.flush();
    }
  }

  private lastPingMs = 0;

  private async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPingMs >= 500) {
      this.lastPingMs = now;
      void this.redisReachable().then((up) => this.onRedisProbe(up));
    }
    const dead = this.deadHosts();
    for (const [id, driver] of this.drivers) {
      const record = driver.record;
      try {
        if (driver.tick(this.simNowNs(record, now), now, dead)) this.dirty.add(id);
        if (record.variants.every((variant) => variant.done)) await this.complete(driver);
      } catch (error) {
        record.status = 'failed';
        record.error = (error as Error).message;
        record.finishedAtMs = now;
        this.drivers.delete(id);
        this.dirty.add(id);
        this.publish('run-failed', { run: id, error: record.error });
        this.log(`run ${id} failed: ${(error as Error).stack}`);
      }
    }
    this.metrics.hostsAlive.set([...this.hostsSeen.keys()].filter((host) => !dead.has(host)).length);
    for (const status of ['running', 'completed', 'failed']) this.metrics.runs.set({ status }, [...this.records.values()].filter((record) => record.status === status).length);
    if (this.progressed.size > 0 && now - this.lastProgressSaveMs >= PROGRESS_SAVE_MS) {
      this.lastProgressSaveMs = now;
      for (const id of this.progressed) this.dirty.add(id);
    }
    if (this.dirty.size > 0) void this.flush().catch(() => undefined);
  }

  private redisDownSinceMs: number | null = null;

  /** Notes a Redis outage and, once Redis is back, records it as an event of every running run. */
  private onRedisProbe(up: boolean): void {
    const now = Date.now();
    if (!up) {
      this.redisHealthySinceMs = null;
      if (this.redisDownSinceMs === null) {
        this.redisDownSinceMs = now;
        this.log('Redis unreachable; runs keep their simulated clock, hosts buffer their messages');
        this.publish('redis-unavailable', { atMs: now });
      }
      return;
    }
    this.redisHealthySinceMs ??= now;
    if (this.redisDownSinceMs === null) return;
    const downMs = now - this.redisDownSinceMs;
    this.redisDownSinceMs = null;
    this.log(`Redis reachable again after ${downMs} ms`);
    for (const driver of this.drivers.values()) {
      const record = driver.record;
      const nowNs = this.simNowNs(record, now);
      const detail = `Redis was unreachable for ${downMs} ms of wall time (${((downMs * record.speed) / 1000).toFixed(1)} s simulated); queued commands, pages and events were delivered late`;
      for (const variant of record.variants) {
        if (!variant.done) variant.events.push({ tMs: nowNs / 1e6, kind: 'redis-outage', subject: 'redis', detail });
      }
      this.dirty.add(record.id);
      this.publish('redis-outage', { run: record.id, detail });
    }
  }

  private async complete(driver: RunDriver): Promise<void> {
    const record = driver.record;
    const scenario = driver.scenario;
    const report = buildReport({
      generatedBy: { tool: 'migsim', version: MIGSIM_VERSION },
      scenario: { name: scenario.name, description: scenario.description === '' ? null : scenario.description, file: scenario.fileName === '' ? null : scenario.fileName },
      seed: record.seed,
      engine: 'services',
      horizonMs: scenario.horizonNs / 1e6,
      variants: record.variants.map((state) => variantReport(driver.variantSpec(state.name), state)),
    });
    await this.store.saveReport(record.id, report);
    record.status = 'completed';
    record.finishedAtMs = Date.now();
    this.drivers.delete(record.id);
    this.dirty.add(record.id);
    await this.flush();
    this.publish('run-completed', { run: record.id, checks: report.summary.checks });
  }

  /** Saves every changed run; concurrent callers share one save. */
  private flush(): Promise<void> {
    if (this.saving !== null) return this.saving.then(() => (this.dirty.size > 0 ? this.flush() : undefined));
    const ids = [...this.dirty];
    this.dirty.clear();
    // Each save writes the whole record, progress included.
    for (const id of ids) this.progressed.delete(id);
    this.saving = (async () => {
      try {
        for (const id of ids) {
          const record = this.records.get(id);
          if (record !== undefined) await this.store.save(record);
        }
        if (this.redisHealthySinceMs === null) this.redisHealthySinceMs = Date.now();
      } catch (error) {
        for (const id of ids) this.dirty.add(id);
        if (this.redisHealthySinceMs !== null) this.log(`cannot save run state (${(error as Error).message}); retrying`);
        this.redisHealthySinceMs = null;
        throw error;
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  /**
   * Hosts whose heartbeats stopped for `hostDeadAfterMs` while Redis was
   * reachable the whole time (an outage silences everyone; it kills no one).
   */
  private deadHosts(): Set<string> {
    const now = Date.now();
    const dead = new Set<string>();
    const healthySince = Math.max(this.redisHealthySinceMs ?? now, this.startedAtMs);
    for (const [host, seen] of this.hostsSeen) {
      if (now - seen.lastSeenMs > this.config.hostDeadAfterMs && now - healthySince > this.config.hostDeadAfterMs) dead.add(host);
    }
    return dead;
  }

  private publish(kind: string, data: Record<string, unknown>): void {
    this.live.next({ kind, data });
  }

  private log(line: string): void {
    process.stderr.write(`[controller] ${line}\n`);
  }
}
