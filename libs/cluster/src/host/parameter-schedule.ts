import type { MigrationEvent } from '@migsim/migration';
import type { MigrationStart } from '../messages/messages';
import { downtimeSchedule } from './downtime-schedule';
import type { HostPort } from './host-port';

/**
 * The commands an attempt gives itself on a schedule: the switch to
 * post-copy after a time or a round (`postcopyAfter`), and Nova's stepped
 * `downtime-limit` (see `downtime-schedule.ts`). The times still to come
 * bound the attempt's lookahead: each is a `migrate-set-parameters` or a
 * `migrate-start-postcopy` that changes what the machine sends.
 */
export class ParameterSchedule {
  /** Parameter changes and post-copy triggers still to come (their times bound the lookahead). */
  private readonly pendingNs: number[] = [];

  constructor(
    private readonly host: HostPort,
    private readonly start: MigrationStart,
    private readonly startNs: number,
    private readonly memoryBytes: number,
    private readonly command: (event: MigrationEvent) => void,
  ) {}

  /** Sets the timers of the time-based triggers and of every downtime step. */
  begin(): void {
    const trigger = this.start.params.postcopyAfter;
    if (trigger?.type === 'elapsed') this.after(trigger.afterNs, () => this.command({ type: 'start-postcopy', atNs: 0 }));
    const steps = this.start.downtimeSteps;
    if (steps === null) return;
    for (const step of downtimeSchedule(steps, this.memoryBytes)) {
      this.after(step.afterNs, () => this.command({ type: 'set-parameters', atNs: 0, params: { 'downtime-limit': step.downtimeLimitMs } }));
    }
  }

  /** A phase began: switches to post-copy once the configured round is over. */
  phaseChanged(phase: string, round: number | null): void {
    const trigger = this.start.params.postcopyAfter;
    if (trigger?.type === 'round' && phase === 'round' && round === trigger.round + 1) {
      this.host.at(this.host.nowNs(), () => this.command({ type: 'start-postcopy', atNs: 0 }));
    }
  }

  /** The earliest change still to come, if before `boundNs`; `boundNs` otherwise. */
  earliestBefore(boundNs: number): number {
    let next = boundNs;
    for (const atNs of this.pendingNs) if (atNs < next) next = atNs;
    return next;
  }

  private after(delayNs: number, run: () => void): void {
    const atNs = this.startNs + delayNs;
    this.pendingNs.push(atNs);
    this.host.at(atNs, () => {
      this.pendingNs.splice(this.pendingNs.indexOf(atNs), 1);
      run();
    });
  }
}
