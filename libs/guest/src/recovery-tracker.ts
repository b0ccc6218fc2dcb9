import { hugeFraction } from './coverage-shares';
import { GuestError } from './errors';
import type { GuestSample } from './guest-vm';

export interface RecoveryTimelinePoint {
  /** Simulation time at the end of the span this point summarises. */
  tNs: number;
  /**
   * Share of the working set mapped huge at that time
   * (`GuestSample.workingSetHugeFraction`; `hugeFraction(coverage)`, the
   * share of mapped memory, for samples without it).
   */
  hugeFraction: number;
  /** Mean relative throughput over the span (weighted by step length). */
  relativeThroughput: number;
}

export interface RecoveryMetrics {
  /**
   * Time from `startNs` until throughput reached 90 / 95 / 99 % of baseline
   * and stayed there for the rest of the observation: the end of the last
   * step below the level (0 if none was below). null = below the level at
   * the end of the observation.
   */
  timeTo90PctNs: number | null;
  timeTo95PctNs: number | null;
  timeTo99PctNs: number | null;
  /** Integral of (1 - relative throughput) x vCPUs over time, vCPU-seconds. */
  lostWorkVcpuSeconds: number;
  /** Page faults taken after `startNs` (the re-faults of the recovery). */
  refaults: number;
  /** Downsampled to at most `maxTimelinePoints` points. */
  coverageTimeline: RecoveryTimelinePoint[];
}

export interface RecoveryTrackerOptions {
  vcpus: number;
  /** When dirty logging stopped. Samples before it are ignored, a straddling one is clipped. */
  startNs: number;
  /** Default 200. */
  maxTimelinePoints?: number;
}

const LEVELS = [0.9, 0.95, 0.99] as const;

interface Bucket {
  endNs: number;
  hugeFraction: number;
  throughputTimesNs: number;
  durationNs: number;
}

/** Turns the guest samples that follow the end of dirty logging into recovery metrics. */
export class RecoveryTracker {
  private readonly vcpus: number;
  private readonly startNs: number;
  private readonly maxPoints: number;
  /** End (relative to startNs) of the last step below each level; -1 = none yet. */
  private readonly lastBelowEndNs = [-1, -1, -1];
  private lastThroughput: number | null = null;
  private lostVcpuNs = 0;
  private refaults = 0;
  private points: Bucket[] = [];
  private pending: Bucket | null = null;
  private pendingSteps = 0;
  /** Steps summarised by each timeline point; doubles whenever the timeline is halved. */
  private stepsPerPoint = 1;

  constructor(options: RecoveryTrackerOptions) {
    this.vcpus = options.vcpus;
    this.startNs = options.startNs;
    this.maxPoints = Math.max(2, Math.floor(options.maxTimelinePoints ?? 200));
  }

  add(tNs: number, dtNs: number, sample: GuestSample): void {
    if (!(dtNs > 0) || !(sample.relativeThroughput >= 0 && sample.relativeThroughput <= 1)) {
      throw new GuestError(
        'INVALID_RECOVERY_SAMPLE',
        `recovery sample at ${tNs} ns: expected dtNs > 0 and relativeThroughput in [0, 1], got ${dtNs} and ${sample.relativeThroughput}`,
      );
    }
    const endNs = tNs + dtNs;
    if (endNs <= this.startNs) return;
    const spanNs = endNs - Math.max(tNs, this.startNs);
    const throughput = sample.relativeThroughput;

    this.lostVcpuNs += (1 - throughput) * spanNs * this.vcpus;
    this.refaults += sample.faults;
    this.lastThroughput = throughput;
    for (let i = 0; i < LEVELS.length; i++) {
      if (throughput < LEVELS[i]) this.lastBelowEndNs[i] = endNs - this.startNs;
    }

    const bucket = this.pending ?? { endNs, hugeFraction: 0, throughputTimesNs: 0, durationNs: 0 };
    bucket.endNs = endNs;
    bucket.hugeFraction = sample.workingSetHugeFraction ?? hugeFraction(sample.coverage);
    bucket.throughputTimesNs += throughput * spanNs;
    bucket.durationNs += spanNs;
    this.pending = bucket;
    if (++this.pendingSteps === this.stepsPerPoint) {
      this.points.push(bucket);
      this.pending = null;
      this.pendingSteps = 0;
      if (this.points.length > this.maxPoints) {
        // Merge pairs; an unpaired last point goes back to being filled, so every point spans the same steps.
        const unpaired = this.points.length % 2 === 1 ? this.points.pop() : undefined;
        this.points = halve(this.points);
        if (unpaired) {
          this.pending = unpaired;
          this.pendingSteps = this.stepsPerPoint;
        }
        this.stepsPerPoint *= 2;
      }
    }
  }

  metrics(): RecoveryMetrics {
    const timeTo = (i: number): number | null => {
      if (this.lastThroughput === null || this.lastThroughput < LEVELS[i]) return null;
      return Math.max(0, this.lastBelowEndNs[i]);
    };
    let buckets = this.pending ? [...this.points, { ...this.pending }] : this.points;
    if (buckets.length > this.maxPoints) buckets = [...buckets.slice(0, -2), merge(buckets[buckets.length - 2], buckets[buckets.length - 1])];
    return {
      timeTo90PctNs: timeTo(0),
      timeTo95PctNs: timeTo(1),
      timeTo99PctNs: timeTo(2),
      lostWorkVcpuSeconds: this.lostVcpuNs / 1e9,
      refaults: this.refaults,
      coverageTimeline: buckets.map((b) => ({
        tNs: b.endNs,
        hugeFraction: b.hugeFraction,
        relativeThroughput: b.throughputTimesNs / b.durationNs,
      })),
    };
  }
}

function merge(a: Bucket, b: Bucket): Bucket {
  return {
    endNs: b.endNs,
    hugeFraction: b.hugeFraction,
    throughputTimesNs: a.throughputTimesNs + b.throughputTimesNs,
    durationNs: a.durationNs + b.durationNs,
  };
}

/** Merges neighbours pairwise (an even number of points). */
function halve(points: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push(merge(points[i], points[i + 1]));
  return out;
}
