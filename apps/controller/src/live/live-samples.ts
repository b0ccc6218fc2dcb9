import type { TimelinePoint } from '@migsim/report';

/** Per VM (`<variant>/<vm>`) of one run: its timeline points in time order. */
export type RunSamples = ReadonlyMap<string, readonly TimelinePoint[]>;

/**
 * The timeline points hosts sent (`vm.samples`) for the live page, kept in
 * memory and bounded: the newest `maxRuns` runs, at most `maxPointsPerVm`
 * points per VM (the oldest go first). Not persisted: a restarted controller
 * starts empty, and a completed run's report holds every point anyway.
 */
export class LiveSamples {
  private readonly runs = new Map<string, Map<string, TimelinePoint[]>>();

  constructor(
    private readonly maxRuns = 8,
    private readonly maxPointsPerVm = 4_000,
  ) {}

  /** Appends points later than the VM's last one (a redelivered batch adds nothing). Returns the points kept. */
  add(run: string, variant: string, vm: string, points: readonly TimelinePoint[]): TimelinePoint[] {
    let vms = this.runs.get(run);
    if (vms === undefined) {
      vms = new Map();
      this.runs.set(run, vms);
      for (const oldest of this.runs.keys()) {
        if (this.runs.size <= this.maxRuns) break;
        this.runs.delete(oldest);
      }
    }
    const key = `${variant}/${vm}`;
    let timeline = vms.get(key);
    if (timeline === undefined) {
      timeline = [];
      vms.set(key, timeline);
    }
    const fresh: TimelinePoint[] = [];
    let lastMs = timeline.at(-1)?.tMs ?? -Infinity;
    for (const point of points) {
      if (point.tMs <= lastMs) continue;
      fresh.push(point);
      lastMs = point.tMs;
    }
    timeline.push(...fresh);
    if (timeline.length > this.maxPointsPerVm) timeline.splice(0, timeline.length - this.maxPointsPerVm);
    return fresh;
  }

  of(run: string): RunSamples {
    return this.runs.get(run) ?? new Map();
  }
}
