import type { MigrationEvent, MigrationMachine } from '@migsim/migration';
import { MigrationWatchdog } from '@migsim/orchestration';
import type { MigrationStart } from '../messages/messages';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';

/**
 * KubeVirt's watchdog over one attempt, on its source (virt-launcher
 * watches the migration: `liveMigrationMonitor`), and what the source does
 * at its verdicts: an abort cancels the attempt (which then ends `aborted`
 * with the watchdog's message), a timeout action switches to post-copy or
 * forces completion.
 */
export class SourceWatchdog {
  private readonly watchdog: MigrationWatchdog;
  /** The watchdog's message once it aborted the attempt (the attempt's reason then). */
  abortReason: string | undefined;

  constructor(
    private readonly host: HostPort,
    private readonly start: MigrationStart,
    private readonly vm: HostedVm,
    nowNs: number,
  ) {
    this.watchdog = new MigrationWatchdog(start.watchdog, vm.spec.memoryBytes, nowNs);
  }

  /** When the watchdog must next look (a timeout would fire just after it). */
  nextDeadlineNs(): number {
    return this.watchdog.nextDeadlineNs();
  }

  /** Post-copy started: neither timeout applies any more. */
  enteredPostcopy(): void {
    this.watchdog.enteredPostcopy();
  }

  /** Shows the watchdog the progress so far; returns the event to feed the machine for its verdict, if any. */
  observe(machine: MigrationMachine): MigrationEvent | undefined {
    if (this.abortReason !== undefined) return undefined;
    const host = this.host;
    const migration = this.start.migration;
    const remaining = machine.ramRemainingBytes !== undefined ? machine.ramRemainingBytes() : machine.info().ram.remaining;
    const verdict = this.watchdog.observe(host.nowNs(), remaining);
    switch (verdict.action) {
      case 'continue':
        return undefined;
      case 'abort':
        this.abortReason = verdict.message;
        host.event('migration-aborting', migration, verdict.message);
        return { type: 'cancel', atNs: host.nowNs() };
      case 'switch-to-postcopy':
        host.event('timeout-action', migration, verdict.message);
        return { type: 'start-postcopy', atNs: host.nowNs() };
      case 'force-complete':
        host.event('timeout-action', migration, verdict.message);
        if (this.start.params.postcopyRam) return { type: 'start-postcopy', atNs: host.nowNs() };
        // Nova force_complete without post-copy: suspend the guest so pre-copy converges.
        this.vm.advanceGuest(host.nowNs());
        this.vm.forcePaused = true;
        host.highlight(this.vm);
        return undefined;
    }
  }
}
