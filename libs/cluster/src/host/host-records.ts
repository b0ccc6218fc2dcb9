import type { MigrationAttempt } from '@migsim/report';
import type { ActorEvent, HostFacts, SwitchoverFact, TransferFact, VmStay } from './host-facts';
import type { HostedVm } from './hosted-vm';
import { LocalChecks } from './local-checks';

interface OpenStay {
  vm: HostedVm;
  fromNs: number;
  toNs: number | null;
  executing: (number | null)[];
  wasExecuting: boolean;
}

/**
 * What a host writes down as it runs, for the report and the judge: its
 * events, each VM's stays and the time its guest ran here, the switchovers
 * it checked as a destination and the transfers it ran as a source. After
 * every step it looks at the VMs the step touched: it closes or opens
 * execution intervals (and asks for a timeline point at each such
 * transition), notes departures, and runs the local invariant checks.
 */
export class HostRecords {
  private readonly events: ActorEvent[] = [];
  private readonly stays: OpenStay[] = [];
  private readonly openStay = new Map<HostedVm, OpenStay>();
  private readonly switchovers: SwitchoverFact[] = [];
  private readonly transfers: TransferFact[] = [];
  private readonly checks = new LocalChecks();
  private touched: HostedVm[] = [];
  private readonly touchedSet = new Set<HostedVm>();
  private lastEventNs = -1;
  private eventSeq = 0;

  constructor(
    private readonly host: string,
    private readonly onTransition: (vm: HostedVm) => void,
  ) {}

  event(tNs: number, kind: string, subject: string, detail: string): void {
    if (tNs !== this.lastEventNs) {
      this.lastEventNs = tNs;
      this.eventSeq = 0;
    }
    this.events.push({ tNs, seq: this.eventSeq++, kind, subject, detail });
  }

  arrive(vm: HostedVm, nowNs: number): void {
    const stay: OpenStay = { vm, fromNs: nowNs, toNs: null, executing: vm.executing ? [nowNs] : [], wasExecuting: vm.executing };
    this.stays.push(stay);
    this.openStay.set(vm, stay);
    this.touch(vm);
  }

  touch(vm: HostedVm): void {
    if (this.touchedSet.has(vm)) return;
    this.touchedSet.add(vm);
    this.touched.push(vm);
  }

  switchover(fact: SwitchoverFact): void {
    this.switchovers.push(fact);
  }

  transfer(fact: TransferFact): void {
    this.transfers.push(fact);
  }

  afterStep(nowNs: number, onViolation: (kind: string, message: string) => void): void {
    const touched = this.touched;
    if (touched.length > 0) {
      for (const vm of touched) this.observe(vm, nowNs);
      this.touched = [];
      this.touchedSet.clear();
    }
    for (const violation of this.checks.afterStep(nowNs, touched)) onViolation(violation.kind, violation.message);
  }

  private observe(vm: HostedVm, nowNs: number): void {
    const stay = this.openStay.get(vm);
    if (stay === undefined) return;
    const executing = vm.executing;
    if (executing !== stay.wasExecuting) {
      stay.executing.push(nowNs);
      stay.wasExecuting = executing;
      this.onTransition(vm);
    }
    if (vm.state === 'migrated' || vm.state === 'lost') {
      stay.toNs = nowNs;
      if (stay.wasExecuting) stay.executing.push(nowNs);
      stay.wasExecuting = false;
      this.openStay.delete(vm);
    }
  }

  /** Every VM that stayed here (each stay's model), in arrival order. */
  allVms(): HostedVm[] {
    return this.stays.map((stay) => stay.vm);
  }

  /** Events from index `from` on; `advance` gets the next index. */
  eventsSince(from: number, advance: (next: number) => void): ActorEvent[] {
    advance(this.events.length);
    return this.events.slice(from);
  }

  facts(unfinished: { migration: string; attempt: MigrationAttempt }[]): HostFacts {
    const stays: VmStay[] = this.stays.map((stay) => {
      const vm = stay.vm;
      const executing = [...stay.executing];
      if (executing.length % 2 === 1) executing.push(null);
      return {
        vm: vm.name,
        host: this.host,
        fromNs: stay.fromNs,
        toNs: stay.toNs,
        endState: vm.state,
        lostReason: vm.state === 'lost' ? vm.stateReason : '',
        executing,
        timeline: vm.timeline,
        recoveries: vm.recoveries,
        recoveryLevels: vm.recoveryRuns.map((run) => ({
          strategy: run.strategy,
          cause: run.cause,
          startNs: run.startNs,
          measuredUntilNs: run.measuredUntilNs,
          timeTo: run.watchedFractions().map((fraction) => [fraction, run.timeToNs(fraction)] as [number, number | null]),
        })),
      };
    });
    return {
      host: this.host,
      events: this.events,
      stays,
      unfinished,
      switchovers: this.switchovers,
      transfers: this.transfers,
      localChecks: this.checks.results(),
    };
  }
}
