/**
 * Invariant checkers run after every engine step (FoundationDB / VOPR
 * style): each reads the engine through a narrow, read-only view and
 * returns a violation message, or undefined when the invariant holds. The
 * engine records the first violation of each checker (time and message) and
 * how many steps it checked; the results go into the report's `checks`.
 */
export type VmRunState = 'running' | 'paused' | 'down' | 'lost';

export interface VmView {
  readonly name: string;
  /** Host whose memory is the VM's (source until switchover, destination after). */
  readonly home: string | undefined;
  /** Hosts where an instance of the VM is executing guest code right now. */
  readonly runningOn: readonly string[];
  readonly state: VmRunState;
  /** Why the VM was lost or is down, when it is. */
  readonly stateReason: string | undefined;
  /** Whether any memslot of the VM on its home host has dirty logging on. */
  dirtyLoggingOn(): boolean;
  /** Whether something legitimately needs dirty logging now (a running migration or probe). */
  readonly needsDirtyLogging: boolean;
}

export interface MigrationView {
  readonly id: string;
  readonly vmName: string;
  readonly sourceHost: string;
  readonly destinationHost: string;
}

/** A switchover that just happened: the destination's memory compared with the source's. */
export interface SwitchoverView {
  readonly migrationId: string;
  readonly vmName: string;
  readonly atNs: number;
  /** Pages whose destination copy is older than the source's at the moment of switchover (engine-side ground truth). */
  readonly stalePageCount: number;
  readonly firstStalePage: number;
  /** The destination's own page-version check (libs/migration): false = memory differs, null = not checkable (fluid model). */
  readonly verified: boolean | null;
  readonly detail: string;
}

export interface EngineView {
  readonly nowNs: number;
  readonly caps: { readonly cluster: number; readonly outboundPerHost: number; readonly inboundPerHost: number };
  /** The VMs to check: those whose state changed in this step (every VM at the first check). */
  vmsForCheck(): Iterable<VmView>;
  /** Migrations that started transferring in this step (counts only grow at a start, so caps are checked then). */
  recentlyStartedMigrations(): readonly MigrationView[];
  /** How many migrations are transferring right now: in total, out of `host`, into `host` (the engine's own books, not admission's). */
  transferringCount(): number;
  transferringFrom(host: string): number;
  transferringTo(host: string): number;
  /** Switchovers since the previous step. */
  recentSwitchovers(): readonly SwitchoverView[];
  /** VMs whose migration or probe ended (failed, cancelled, aborted, completed) since the previous step. */
  recentlyEndedVms(): readonly string[];
}

export interface InvariantChecker {
  /** Stable kind, as in the report (`vm-never-lost`, ...). */
  readonly kind: string;
  readonly description: string;
  check(view: EngineView): string | undefined;
}

export interface CheckerOutcome {
  kind: string;
  description: string;
  stepsChecked: number;
  firstViolationNs: number | undefined;
  firstViolation: string | undefined;
  violations: number;
}

/** Runs a set of checkers after each step and keeps each one's first violation. */
export class CheckerRunner {
  private readonly outcomes: CheckerOutcome[];

  constructor(private readonly checkers: readonly InvariantChecker[]) {
    this.outcomes = checkers.map((checker) => ({
      kind: checker.kind,
      description: checker.description,
      stepsChecked: 0,
      firstViolationNs: undefined,
      firstViolation: undefined,
      violations: 0,
    }));
  }

  /** Checks every invariant; returns the violations found in this step. */
  afterStep(view: EngineView): { kind: string; message: string }[] {
    // Runs after every engine step: kept to a plain loop.
    let found: { kind: string; message: string }[] | undefined;
    for (let index = 0; index < this.checkers.length; index++) {
      const checker = this.checkers[index]!;
      const outcome = this.outcomes[index]!;
      outcome.stepsChecked += 1;
      const message = checker.check(view);
      if (message === undefined) continue;
      outcome.violations += 1;
      if (outcome.firstViolation === undefined) {
        outcome.firstViolation = message;
        outcome.firstViolationNs = view.nowNs;
      }
      (found ??= []).push({ kind: checker.kind, message });
    }
    return found ?? [];
  }

  results(): readonly CheckerOutcome[] {
    return this.outcomes;
  }
}
