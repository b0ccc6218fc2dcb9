import type { LocalCheckOutcome } from './host-facts';
import type { HostedVm } from './hosted-vm';

/**
 * The invariants a host can judge alone, run after each of its steps over
 * the VMs the step touched (FoundationDB / VOPR style: named checkers after
 * every step). Because the host runs them itself they hold, or fail, alike
 * in the engine and over the services.
 *
 * - `dirty-logging-off-after-failure`: a VM that nothing migrates or probes
 *   any more does not keep its memslots logged (that is what leaves it on
 *   4 KiB SPTEs and PML exits forever).
 * - `vm-never-lost` (its local half): a VM this host calls lost says why.
 */
interface LocalCheck {
  kind: string;
  check(vm: HostedVm): string | undefined;
}

const LOCAL_CHECKS: readonly LocalCheck[] = [
  {
    kind: 'dirty-logging-off-after-failure',
    check(vm) {
      if (!vm.resident || vm.state === 'down' || vm.needsDirtyLogging) return undefined;
      return vm.dirtyLoggingOn() ? `VM ${vm.name} still has dirty logging on with no migration or probe running` : undefined;
    },
  },
  {
    kind: 'vm-never-lost',
    check(vm) {
      return vm.state === 'lost' && vm.stateReason === '' ? `VM ${vm.name} was lost with no migration failure to explain it` : undefined;
    },
  },
];

/** What a step that broke nothing returns (every host step of a run: no array each). */
const NO_VIOLATIONS: readonly { kind: string; message: string }[] = Object.freeze([]);

export class LocalChecks {
  private readonly outcomes: LocalCheckOutcome[] = LOCAL_CHECKS.map((check) => ({
    kind: check.kind,
    steps: 0,
    violations: 0,
    firstViolationNs: null,
    firstViolation: null,
  }));

  /** Checks the touched VMs after a step; returns the violations found (each becomes a `check-failed` event). */
  afterStep(nowNs: number, touched: readonly HostedVm[]): readonly { kind: string; message: string }[] {
    let found: { kind: string; message: string }[] | undefined;
    for (let index = 0; index < LOCAL_CHECKS.length; index++) {
      const check = LOCAL_CHECKS[index]!;
      const outcome = this.outcomes[index]!;
      outcome.steps += 1;
      for (const vm of touched) {
        const message = check.check(vm);
        if (message === undefined) continue;
        outcome.violations += 1;
        if (outcome.firstViolation === null) {
          outcome.firstViolation = message;
          outcome.firstViolationNs = nowNs;
        }
        (found ??= []).push({ kind: check.kind, message });
        break;
      }
    }
    return found ?? NO_VIOLATIONS;
  }

  results(): LocalCheckOutcome[] {
    return this.outcomes.map((outcome) => ({ ...outcome }));
  }
}
