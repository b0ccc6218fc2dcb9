import type { QueryMigrateInfo, SwitchoverVerification } from '@migsim/migration';
import { AdmissionController, MigrationWatchdog, retryDelayNs, shouldRetry, type MigrationPolicy } from '@migsim/orchestration';
import type { MigrationOutcome, ReportEvent } from '@migsim/report';
import type { HostCommandKind } from '@migsim/protocol';
import type { MigrationState, RunRecord, VariantState, VmResult } from './run-record';
import { emptyInfo, phaseIntervals } from './migration-state';
import { faultOf, flowCapOf, toMigrationParameters, toMigrationPolicy, type FaultSpec, type Scenario, type ScenarioVariant } from '@migsim/scenario';
import { VariantNetwork } from './variant-network';
import { paramsOf, placement, startDuePlans } from './drain-plans';

const NS_PER_MS = 1e6;
/** Wall time the controller waits for the hosts' VM reports after the horizon before giving up on them. */
export const FINISH_TIMEOUT_MS = 15_000;

export interface RunDriverOutput {
  /** A durable command to a host; `key` makes its job id (same key = same job, a no-op when re-sent). */
  command(host: string, kind: HostCommandKind, body: unknown, key: { migration: string; attempt: number; seq: number }): void;
  /** A live event for SSE subscribers and metrics. */
  publish(kind: string, data: Record<string, unknown>): void;
}

/** Command sequence numbers within one (variant, subject, attempt): a re-sent command keeps its job id. */
const SEQ = { create: 0, start: 1, fault: 2, cancel: 3, drop: 4, finish: 5, probe: 6, link: 100 } as const;

/**
 * The controller's logic for one run, over its persisted RunRecord: creates
 * the VMs, starts migrations when due (admission caps), fires the fault
 * schedule (by time or by phase), aborts on timeout, retries with backoff,
 * declares attempts failed when a host stops answering, and at the horizon
 * collects every VM's report. Time is simulated time, passed in.
 */
export class RunDriver {
  private readonly policies = new Map<string, MigrationPolicy>();
  /**
   * libs/orchestration's watchdog per running attempt (`<variant>/<migration>#<attempt>`).
   * Not persisted: a restarted controller starts a fresh one (its timeouts count from the restart).
   */
  private readonly watchdogs = new Map<string, MigrationWatchdog>();
  /** Each variant's network (libs/sim LinkModel + link faults), rebuilt from the record on a resumed controller. */
  private readonly networks = new Map<string, VariantNetwork>();

  constructor(
    readonly record: RunRecord,
    readonly scenario: Scenario,
    private readonly output: RunDriverOutput,
  ) {}

  variantSpec(name: string): ScenarioVariant {
    return this.scenario.variants.find((variant) => variant.name === name)!;
  }

  /** Advances the run to `nowNs`; `deadHosts` are hosts whose process stopped answering. Returns whether the record changed. */
  tick(nowNs: number, wallMs: number, deadHosts: ReadonlySet<string>): boolean {
    let changed = false;
    for (const state of this.record.variants) {
      if (state.done) continue;
      const variant = this.variantSpec(state.name);
      if (!state.vmsCreated) {
        this.createVms(state, variant);
        state.vmsCreated = true;
        changed = true;
      }
      if (nowNs >= this.scenario.horizonNs) {
        changed = this.finish(state, variant, nowNs, wallMs) || changed;
        continue;
      }
      this.network(state).advanceTo(nowNs);
      changed = this.fireFaults(state, variant, nowNs) || changed;
      changed = this.watchRunning(state, nowNs, deadHosts) || changed;
      changed = this.startPlans(state, variant, nowNs) || changed;
      changed = this.startDue(state, variant, nowNs, deadHosts) || changed;
      changed = this.repace(state, nowNs) || changed;
    }
    return changed;
  }

  /** A host event about this run. Returns whether the record changed. */
  onEvent(host: string, kind: string, body: Record<string, unknown>): boolean {
    const state = this.record.variants.find((variant) => variant.name === body.variant);
    if (state === undefined) return false;
    switch (kind) {
      case 'migration.progress': {
        const progress = body as { migration: string; attempt: number; atNs: number; remainingBytes: number; info: QueryMigrateInfo };
        const migration = state.migrations.find((candidate) => candidate.id === progress.migration);
        if (migration === undefined || migration.attempt !== progress.attempt || migration.status !== 'running') return false;
        migration.lastInfo = progress.info;
        this.output.publish('migration-progress', { run: this.record.id, variant: state.name, migration: migration.id, attempt: progress.attempt, tMs: progress.atNs / NS_PER_MS, info: progress.info });
        this.watch(state, migration, progress.atNs, progress.remainingBytes);
        return true;
      }
      case 'migration.phase':
        return this.onPhase(state, body as unknown as { migration: string; attempt: number; phase: string; round: number | null; atNs: number; info: QueryMigrateInfo });
      case 'migration.ended':
        return this.onEnded(state, body as unknown as EndedBody);
      case 'vm.event': {
        const event = body as unknown as ReportEvent & { rateBytesPerSec?: number };
        state.events.push({ tMs: event.tMs, kind: event.kind, subject: event.subject, detail: event.detail });
        // A drain plan ordered by measured dirty rate waits for its probes' rates.
        if (event.kind === 'probe-ended' && typeof event.rateBytesPerSec === 'number') (state.probeRates ??= {})[event.subject] = event.rateBytesPerSec;
        this.output.publish(event.kind, { run: this.record.id, variant: state.name, ...event });
        return true;
      }
      case 'vm.report': {
        const result = body as unknown as VmResult & { vm: string };
        if (state.vmReports[result.vm] !== undefined) return false;
        state.vmReports[result.vm] = { report: result.report, levels: result.levels, dirtyLogging: result.dirtyLogging, lost: result.lost };
        const variant = this.variantSpec(state.name);
        if (variant.vms.every((vm) => state.vmReports[vm.name] !== undefined)) state.done = true;
        return true;
      }
      case 'destination.verified': {
        const verified = body as { migration: string; attempt: number; verification: SwitchoverVerification };
        const migration = state.migrations.find((candidate) => candidate.id === verified.migration);
        if (migration === undefined) return false;
        migration.verification = verified.verification;
        this.output.publish('destination-verified', { run: this.record.id, variant: state.name, migration: migration.id, host, verified: verified.verification.verified });
        return true;
      }
      default:
        return false;
    }
  }

  private createVms(state: VariantState, variant: ScenarioVariant): void {
    for (const vm of variant.vms) {
      const host = variant.hosts.find((candidate) => candidate.name === vm.host)!;
      const watchFractions = variant.checks.filter((check) => check.kind === 'recovers' && check.vm === vm.name).map((check) => (check.kind === 'recovers' ? check.toFraction : 1));
      this.output.command(
        vm.host,
        'vm.create',
        {
          variant: state.name,
          vm,
          host,
          seed: this.record.seed,
          epochMs: this.record.epochMs,
          speed: this.record.speed,
          horizonNs: this.scenario.horizonNs,
          samplingNs: this.scenario.sampling.intervalNs,
          watchFractions,
        },
        { migration: `${state.name}/vm/${vm.name}`, attempt: 0, seq: SEQ.create },
      );
    }
  }

  private policy(variant: ScenarioVariant): MigrationPolicy {
    let policy = this.policies.get(variant.name);
    if (policy === undefined) {
      policy = toMigrationPolicy(variant.policy);
      this.policies.set(variant.name, policy);
    }
    return policy;
  }

  private startDue(state: VariantState, variant: ScenarioVariant, nowNs: number, deadHosts: ReadonlySet<string>): boolean {
    const admission = new AdmissionController(this.policy(variant));
    for (const migration of state.migrations) {
      if (migration.status === 'running') admission.admit({ id: migration.id, sourceHost: migration.source, destinationHost: migration.destination });
    }
    let changed = false;
    // One migration of a VM at a time, in the scenario's order (the engine's per-VM backlog).
    const busyVms = new Set(state.migrations.filter((migration) => migration.status === 'running').map((migration) => migration.vm));
    // Where each VM runs now, read once when something is due; starting a migration does not change it (only a completed one does).
    let current: Map<string, string> | undefined;
    for (const migration of state.migrations) {
      if ((migration.status !== 'pending' && migration.status !== 'retry-wait') || migration.nextStartNs > nowNs) continue;
      if (busyVms.has(migration.vm)) continue;
      busyVms.add(migration.vm);
      // The VM leaves from where it runs now: a VM an earlier migration moved starts from that destination.
      current ??= placement(variant, state);
      migration.source = current.get(migration.vm) ?? migration.source;
      // A migration from or to a host whose process is down waits for it (a lost VM never starts again).
      if (migration.vmLost || deadHosts.has(migration.source) || deadHosts.has(migration.destination)) continue;
      const request = { sourceHost: migration.source, destinationHost: migration.destination };
      if (!admission.canAdmit(request)) continue;
      admission.admit({ id: migration.id, ...request });
      const params = paramsOf(variant, migration.id);
      const destination = variant.hosts.find((host) => host.name === migration.destination)!;
      const rate = this.network(state).startFlow(migration.id, { id: migration.id, vmName: migration.vm, sourceHost: migration.source, destinationHost: migration.destination }, flowCapOf(params));
      migration.attempt += 1;
      migration.status = 'running';
      migration.attemptStartNs = nowNs;
      migration.lastPhase = null;
      migration.abortReason = null;
      this.event(state, nowNs, 'migration-started', migration.id, `attempt ${migration.attempt}: VM ${migration.vm} ${migration.source} -> ${migration.destination}`);
      this.output.command(
        this.ownerOf(variant, migration.vm),
        'migration.start',
        {
          variant: state.name,
          vm: migration.vm,
          migration: migration.id,
          attempt: migration.attempt,
          destination,
          params: toMigrationParameters(params),
          // The flow's max-min fair share of both NICs (and of what link faults left), as the engine rates it.
          linkBytesPerSec: rate.bytesPerSec,
          latencyNs: rate.latencyNs,
          atNs: nowNs,
        },
        { migration: `${state.name}/${migration.id}`, attempt: migration.attempt, seq: SEQ.start },
      );
      changed = true;
    }
    return changed;
  }

  private watchRunning(state: VariantState, nowNs: number, deadHosts: ReadonlySet<string>): boolean {
    let changed = false;
    for (const migration of state.migrations) {
      if (migration.status !== 'running' || migration.abortReason !== null) continue;
      const key = { migration: `${state.name}/${migration.id}`, attempt: migration.attempt };
      if (deadHosts.has(migration.destination)) {
        migration.abortReason = `destination host ${migration.destination} stopped answering (heartbeat lost)`;
        this.event(state, nowNs, 'fault', migration.destination, migration.abortReason);
        this.output.command(this.ownerOf(this.variantSpec(state.name), migration.vm), 'migration.fault', { variant: state.name, vm: migration.vm, migration: migration.id, attempt: migration.attempt, kind: 'destination-crash', reason: migration.abortReason }, { ...key, seq: SEQ.fault });
        changed = true;
        continue;
      }
      if (deadHosts.has(migration.source)) {
        // The process holding the VM's only running copy is gone: the attempt ends here, and the VM with it.
        const reason = `source host ${migration.source} stopped answering (heartbeat lost): VM ${migration.vm} lost`;
        this.event(state, nowNs, 'fault', migration.source, reason);
        migration.abortReason = reason;
        this.onEnded(state, { migration: migration.id, attempt: migration.attempt, outcome: 'failed', atNs: nowNs, info: migration.lastInfo ?? emptyInfo(), phases: [], reason, verification: null, vmOutcome: 'lost', dirtyLoggingOff: false });
        changed = true;
        continue;
      }
      if (migration.lastInfo !== null) changed = this.watch(state, migration, nowNs, migration.lastInfo.ram.remaining) || changed;
    }
    return changed;
  }

  /** Feeds the attempt's watchdog; an `abort` verdict cancels the migration (outcome `aborted`). */
  private watch(state: VariantState, migration: MigrationState, nowNs: number, remainingBytes: number): boolean {
    if (migration.abortReason !== null || migration.lastPhase?.phase === 'stop-and-copy') return false;
    const key = `${state.name}/${migration.id}#${migration.attempt}`;
    let watchdog = this.watchdogs.get(key);
    if (watchdog === undefined) {
      const vm = this.variantSpec(state.name).vms.find((candidate) => candidate.name === migration.vm)!;
      watchdog = new MigrationWatchdog(this.policy(this.variantSpec(state.name)), vm.memoryBytes, migration.attemptStartNs ?? nowNs);
      this.watchdogs.set(key, watchdog);
    }
    const verdict = watchdog.observe(nowNs, remainingBytes);
    if (verdict.action === 'continue') return false;
    if (verdict.action !== 'abort') {
      // Post-copy and forced completion are not driven by the services: say so once, keep migrating.
      this.event(state, nowNs, 'watchdog', migration.id, `${verdict.message} (not modelled by the services engine)`);
      this.watchdogs.set(key, new MigrationWatchdog({ ...this.policy(this.variantSpec(state.name)), completionTimeoutPerGiBNs: 0 }, 1, nowNs));
      return true;
    }
    migration.abortReason = verdict.message;
    this.event(state, nowNs, 'watchdog', migration.id, verdict.message);
    this.output.command(
      this.ownerOf(this.variantSpec(state.name), migration.vm),
      'migration.cancel',
      { variant: state.name, vm: migration.vm, migration: migration.id, attempt: migration.attempt },
      { migration: `${state.name}/${migration.id}`, attempt: migration.attempt, seq: SEQ.cancel },
    );
    return true;
  }

  private fireFaults(state: VariantState, variant: ScenarioVariant, nowNs: number): boolean {
    let changed = false;
    for (const fault of variant.faults) {
      if (fault.trigger.type !== 'at' || state.faultsFired.includes(fault.index) || fault.trigger.atNs > nowNs) continue;
      this.fire(state, fault, nowNs);
      changed = true;
    }
    for (const due of [...state.faultsDue]) {
      if (due.atNs > nowNs) continue;
      state.faultsDue.splice(state.faultsDue.indexOf(due), 1);
      this.fire(state, variant.faults.find((fault) => fault.index === due.index)!, nowNs);
      changed = true;
    }
    return changed;
  }

  private fire(state: VariantState, fault: FaultSpec, nowNs: number): void {
    state.faultsFired.push(fault.index);
    (state.faultTimesNs ??= {})[fault.index] = nowNs;
    const label = `faults[${fault.index}]`;
    this.event(state, nowNs, 'fault', label, `${fault.kind}${fault.description ? `: ${fault.description}` : ''}`);
    switch (fault.kind) {
      case 'destination-crash': {
        state.downHosts.push({ host: fault.host, untilNs: fault.durationNs === null ? null : nowNs + fault.durationNs });
        this.output.command(fault.host, 'migration.drop', { variant: state.name }, { migration: `${state.name}/${label}`, attempt: 0, seq: SEQ.drop });
        for (const migration of state.migrations) {
          if (migration.status !== 'running' || migration.destination !== fault.host) continue;
          migration.abortReason = `fault ${label}: destination crash`;
          this.output.command(
            this.ownerOf(this.variantSpec(state.name), migration.vm),
            'migration.fault',
            { variant: state.name, vm: migration.vm, migration: migration.id, attempt: migration.attempt, kind: 'destination-crash', reason: migration.abortReason },
            { migration: `${state.name}/${migration.id}`, attempt: migration.attempt, seq: SEQ.fault },
          );
        }
        return;
      }
      case 'migration-cancel': {
        const migration = state.migrations.find((candidate) => candidate.id === fault.migration);
        if (migration === undefined || migration.status !== 'running') return;
        this.output.command(this.ownerOf(this.variantSpec(state.name), migration.vm), 'migration.cancel', { variant: state.name, vm: migration.vm, migration: migration.id, attempt: migration.attempt }, { migration: `${state.name}/${migration.id}`, attempt: migration.attempt, seq: SEQ.cancel });
        return;
      }
      default:
        // link-down, bandwidth-drop, latency: the network re-rates the flows; `repace` tells the sources.
        this.network(state).fire(faultOf(fault), nowNs);
    }
  }

  /** Plans and probes due by now, once each (see `startDuePlans`). */
  private startPlans(state: VariantState, variant: ScenarioVariant, nowNs: number): boolean {
    return startDuePlans(variant, state, nowNs, {
      event: (kind, subject, detail) => this.event(state, nowNs, kind, subject, detail),
      generated: (migration) => this.network(state).knowMigration({ id: migration.id, vmName: migration.vm, sourceHost: migration.source, destinationHost: migration.destination }),
      probe: (probe) => {
        this.output.command(
          this.ownerOf(variant, probe.vm),
          'vm.probe',
          { variant: state.name, vm: probe.vm, probe: probe.id, mode: probe.mode, atNs: probe.atNs, durationNs: probe.durationNs },
          { migration: `${state.name}/probe/${probe.id}`, attempt: 0, seq: SEQ.probe },
        );
      },
    });
  }

  /**
   * The host whose process holds the VM's model: the one the scenario put it
   * on (`vm.create` went there). A VM an earlier migration moved still runs in
   * that process, so its commands go there, whatever host it runs on now.
   */
  private ownerOf(variant: ScenarioVariant, vmName: string): string {
    return variant.vms.find((vm) => vm.name === vmName)!.host;
  }

  private network(state: VariantState): VariantNetwork {
    let network = this.networks.get(state.name);
    if (network === undefined) {
      network = VariantNetwork.restore(this.variantSpec(state.name), state);
      this.networks.set(state.name, network);
    }
    return network;
  }

  /** A `migration.link` command to the source of every running flow whose rate or latency changed. */
  private repace(state: VariantState, nowNs: number): boolean {
    let changed = false;
    for (const { migration: id, rate } of this.network(state).changedFlows()) {
      const migration = state.migrations.find((candidate) => candidate.id === id);
      if (migration === undefined || migration.status !== 'running') continue;
      migration.linkUpdates = (migration.linkUpdates ?? 0) + 1;
      this.output.command(
        this.ownerOf(this.variantSpec(state.name), migration.vm),
        'migration.link',
        { variant: state.name, vm: migration.vm, migration: migration.id, attempt: migration.attempt, bytesPerSec: rate.bytesPerSec, latencyNs: rate.latencyNs, atNs: nowNs },
        { migration: `${state.name}/${migration.id}`, attempt: migration.attempt, seq: SEQ.link + migration.linkUpdates },
      );
      changed = true;
    }
    return changed;
  }

  private onPhase(state: VariantState, body: { migration: string; attempt: number; phase: string; round: number | null; atNs: number; info: QueryMigrateInfo }): boolean {
    const migration = state.migrations.find((candidate) => candidate.id === body.migration);
    if (migration === undefined || migration.attempt !== body.attempt || migration.status !== 'running') return false;
    migration.lastPhase = { phase: body.phase, round: body.round };
    migration.lastInfo = body.info;
    this.event(state, body.atNs, 'phase', migration.id, body.round === null ? body.phase : `${body.phase} ${body.round}`);
    const variant = this.variantSpec(state.name);
    for (const fault of variant.faults) {
      const trigger = fault.trigger;
      if (trigger.type !== 'phase' || trigger.migration !== migration.id || state.faultsFired.includes(fault.index) || state.faultsDue.some((due) => due.index === fault.index)) continue;
      if (trigger.phase !== body.phase || (trigger.round !== null && trigger.round !== body.round)) continue;
      state.faultsDue.push({ index: fault.index, atNs: body.atNs + trigger.afterNs });
    }
    // Phase faults fire at once when their delay is already over.
    this.fireFaults(state, variant, body.atNs);
    return true;
  }

  private onEnded(state: VariantState, body: EndedBody): boolean {
    const migration = state.migrations.find((candidate) => candidate.id === body.migration);
    if (migration === undefined || migration.attempt !== body.attempt || migration.status !== 'running') return false;
    const outcome: MigrationOutcome = body.outcome === 'cancelled' && migration.abortReason !== null ? 'aborted' : body.outcome;
    this.network(state).stopFlow(migration.id);
    migration.lastInfo = body.info;
    migration.vmLost = body.vmOutcome === 'lost';
    if (body.verification !== null) migration.verification = body.verification;
    migration.dirtyLoggingOffAfterFailure = outcome === 'completed' || body.vmOutcome === 'lost' ? null : body.dirtyLoggingOff;
    migration.attempts.push({
      attempt: body.attempt,
      startMs: (migration.attemptStartNs ?? body.atNs) / NS_PER_MS,
      endMs: body.atNs / NS_PER_MS,
      outcome,
      phases: phaseIntervals(body.phases, body.atNs),
      info: body.info,
    });
    const reason = body.reason ?? migration.abortReason;
    this.event(state, body.atNs, `migration-${outcome}`, migration.id, `attempt ${body.attempt}${reason ? `: ${reason}` : ''}`);
    migration.outcome = outcome;
    const policy = this.policy(this.variantSpec(state.name));
    if (outcome === 'failed' && !migration.vmLost && shouldRetry(policy, body.attempt)) {
      migration.status = 'retry-wait';
      migration.nextStartNs = body.atNs + retryDelayNs(policy, body.attempt);
      this.event(state, body.atNs, 'retry-scheduled', migration.id, `attempt ${body.attempt + 1} at ${(migration.nextStartNs / 1e9).toFixed(3)} s`);
    } else {
      migration.status = 'done';
    }
    this.output.publish(`migration-${outcome}`, { run: this.record.id, variant: state.name, migration: migration.id, attempt: body.attempt, reason, vmOutcome: body.vmOutcome });
    return true;
  }

  private finish(state: VariantState, variant: ScenarioVariant, nowNs: number, wallMs: number): boolean {
    if (state.finishSentAtMs === null) {
      for (const migration of state.migrations) {
        if (migration.status === 'done') continue;
        if (migration.status === 'running' && migration.attemptStartNs !== null) {
          migration.attempts.push({
            attempt: migration.attempt,
            startMs: migration.attemptStartNs / NS_PER_MS,
            endMs: null,
            outcome: 'unfinished',
            phases: [],
            info: migration.lastInfo ?? emptyInfo(),
          });
        }
        migration.outcome = 'unfinished';
        migration.status = 'done';
      }
      const hosts = new Set(variant.vms.map((vm) => vm.host));
      for (const host of hosts) this.output.command(host, 'variant.finish', { variant: state.name }, { migration: `${state.name}/finish`, attempt: 0, seq: SEQ.finish });
      state.finishSentAtMs = wallMs;
      this.output.publish('variant-finishing', { run: this.record.id, variant: state.name, atNs: nowNs });
      return true;
    }
    if (wallMs - state.finishSentAtMs > FINISH_TIMEOUT_MS) {
      // A host that never reported: its VMs are reported lost rather than the run hanging.
      for (const vm of variant.vms) {
        if (state.vmReports[vm.name] !== undefined) continue;
        state.vmReports[vm.name] = {
          report: { name: vm.name, host: vm.host, memoryBytes: vm.memoryBytes, vcpus: vm.vcpus, timeline: [], recoveries: [] },
          levels: [],
          dirtyLogging: false,
          lost: true,
        };
        this.event(state, this.scenario.horizonNs, 'vm-report-missing', vm.name, `host ${vm.host} did not report VM ${vm.name} within ${FINISH_TIMEOUT_MS / 1000} s`);
      }
      state.done = true;
      return true;
    }
    return false;
  }

  private event(state: VariantState, atNs: number, kind: string, subject: string, detail: string): void {
    state.events.push({ tMs: atNs / NS_PER_MS, kind, subject, detail });
    this.output.publish(kind, { run: this.record.id, variant: state.name, tMs: atNs / NS_PER_MS, subject, detail });
  }
}

interface EndedBody {
  migration: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'cancelled';
  atNs: number;
  info: QueryMigrateInfo;
  phases: { phase: string; round: number | null; atNs: number }[];
  reason: string | null;
  verification: SwitchoverVerification | null;
  vmOutcome: 'running-on-source' | 'lost' | 'moved';
  dirtyLoggingOff: boolean;
}
