import type { FaultSpec, PhaseEvent } from './fault-spec';

/**
 * The faults of a run that have not fired yet. Time-triggered faults come out
 * in time order (ties in scenario order). A phase-triggered fault is armed
 * the first time a matching migration event is reported: due at once when
 * its `afterNs` is 0, else queued as a timed fault at event time + `afterNs`.
 * Every fault fires at most once.
 */
interface TimedEntry {
  fault: FaultSpec;
  dueNs: number;
  order: number;
}

export class FaultSchedule {
  private readonly timed: TimedEntry[] = [];
  private readonly phased: FaultSpec[];
  private nextOrder = 0;

  constructor(faults: readonly FaultSpec[]) {
    for (const fault of faults) {
      if ('atNs' in fault.trigger) this.insertTimed(fault, fault.trigger.atNs);
    }
    this.phased = faults.filter((fault) => 'when' in fault.trigger);
  }

  /** When the next timed fault is due, if any. */
  nextTimeNs(): number | undefined {
    return this.timed[0]?.dueNs;
  }

  /** Removes and returns the timed faults due at or before `nowNs`, in order. */
  takeDueByTime(nowNs: number): FaultSpec[] {
    let count = 0;
    while (count < this.timed.length && this.timed[count]!.dueNs <= nowNs) count += 1;
    return this.timed.splice(0, count).map((entry) => entry.fault);
  }

  /**
   * Arms the phase-triggered faults matching `event` (reported at `nowNs`);
   * returns those due right now (no `afterNs`), in scenario order.
   */
  takeDueByPhase(event: PhaseEvent, nowNs = 0): FaultSpec[] {
    const due: FaultSpec[] = [];
    for (let i = 0; i < this.phased.length; ) {
      const fault = this.phased[i]!;
      const when = (fault.trigger as Extract<FaultSpec['trigger'], { when: unknown }>).when;
      const migrationMatches = when.migration === event.migrationId || when.migration === event.vmName;
      if (migrationMatches && when.phase === event.phase && event.round >= (when.round ?? 0)) {
        this.phased.splice(i, 1);
        const afterNs = when.afterNs ?? 0;
        if (afterNs > 0) this.insertTimed(fault, nowNs + afterNs);
        else due.push(fault);
      } else {
        i += 1;
      }
    }
    return due;
  }

  /**
   * Whether a phase-triggered fault still waits for a phase of this
   * migration (named by its id or its VM's name): its phases must then be
   * reported as they happen.
   */
  watches(migrationId: string, vmName: string): boolean {
    return this.phased.some((fault) => {
      const when = (fault.trigger as Extract<FaultSpec['trigger'], { when: unknown }>).when;
      return when.migration === migrationId || when.migration === vmName;
    });
  }

  /** Adds a fault to fire at `dueNs` (an operator's "inject now"); it fires after those already due then. */
  add(fault: FaultSpec, dueNs: number): void {
    this.insertTimed(fault, dueNs);
  }

  /** Faults that never fired (reported at the end of a run). */
  pending(): readonly FaultSpec[] {
    return [...this.timed.map((entry) => entry.fault), ...this.phased];
  }

  private insertTimed(fault: FaultSpec, dueNs: number): void {
    const entry = { fault, dueNs, order: this.nextOrder };
    this.nextOrder += 1;
    let index = this.timed.length;
    while (index > 0 && this.timed[index - 1]!.dueNs > dueNs) index -= 1;
    this.timed.splice(index, 0, entry);
  }
}
