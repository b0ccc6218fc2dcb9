import type { RecoveryReport, RecoveryStrategyName, TimelinePoint } from './report-model';

/**
 * Synthetic performance curves for sample reports (test data, not a model:
 * libs/guest computes the real curves). Shapes follow DESIGN.md section 1 at
 * the time scale the flagship scenario shows (tens of milliseconds): dirty
 * logging maps everything at 4 KiB; once it is switched off, `none` stays at
 * the 4 KiB level; the rmap walks (`zap-rmap`, `zap-max-level`) hold
 * mmu_lock for write, so faulting vCPUs wait out the walk, then re-fault
 * their working set at 2 MiB; `zap-tdp` zaps under the read lock, region by
 * region, with re-faults right behind; `recover-in-place` installs huge
 * SPTEs as it goes, with no re-faults and no dip.
 */
export interface CurveInput {
  loggingOnMs: number;
  /** When dirty logging was switched off (the recovery starts). */
  loggingOffMs: number;
  strategy: RecoveryStrategyName;
  /** Duration of the disable operation itself. */
  disableMs: number;
}

/** Relative throughput of an all-4K mapping (above 90 %: `none` never falls below it), and while logging (PML exits on top). */
const THROUGHPUT_ALL_4K = 0.92;
const THROUGHPUT_WHILE_LOGGING = 0.8;
/** Share of the work done while the rmap walk holds mmu_lock for write (vCPUs that fault wait for it). */
const WRITE_LOCK_WORK_SHARE = 0.35;
/** Time constant of the working set faulting back in at 2 MiB after a zap. */
const REFAULT_TIME_CONSTANT_MS = 10;
/** Extra throughput lost to the re-fault storm right after a zap, decaying fast. */
const REFAULT_STORM_PENALTY = 0.35;
const REFAULT_STORM_DECAY_MS = 8;
/** The TDP MMU zaps under the read lock: a smaller storm, while the zap runs and briefly after. */
const TDP_STORM_PENALTY = 0.25;
const TDP_STORM_DECAY_MS = 6;

export interface CurveSample {
  relativeThroughput: number;
  hugeFraction: number;
  dirtyLogging: boolean;
}

export function sampleCurveAt(input: CurveInput, tMs: number): CurveSample {
  if (tMs < input.loggingOnMs) return { relativeThroughput: 1, hugeFraction: 1, dirtyLogging: false };
  if (tMs < input.loggingOffMs) return { relativeThroughput: THROUGHPUT_WHILE_LOGGING, hugeFraction: 0, dirtyLogging: true };
  const since = tMs - input.loggingOffMs;
  const during = since < input.disableMs;
  const progress = input.disableMs > 0 ? Math.min(1, since / input.disableMs) : 1;
  const after = since - input.disableMs;
  const at = (relativeThroughput: number, hugeFraction: number): CurveSample => ({
    relativeThroughput: Math.max(0.05, Math.min(1, relativeThroughput)),
    hugeFraction,
    dirtyLogging: false,
  });
  switch (input.strategy) {
    case 'none':
      return at(THROUGHPUT_ALL_4K, 0);
    case 'recover-in-place':
      return at(THROUGHPUT_ALL_4K + (1 - THROUGHPUT_ALL_4K) * progress, progress);
    case 'zap-tdp':
      if (during) return at(THROUGHPUT_ALL_4K + (1 - THROUGHPUT_ALL_4K) * progress - TDP_STORM_PENALTY, progress);
      return at(1 - TDP_STORM_PENALTY * Math.exp(-after / TDP_STORM_DECAY_MS), 1);
    default: {
      if (during) return at(THROUGHPUT_ALL_4K * WRITE_LOCK_WORK_SHARE, 0);
      const hugeFraction = 1 - Math.exp(-after / REFAULT_TIME_CONSTANT_MS);
      const storm = REFAULT_STORM_PENALTY * Math.exp(-after / REFAULT_STORM_DECAY_MS);
      return at(THROUGHPUT_ALL_4K + (1 - THROUGHPUT_ALL_4K) * hugeFraction - storm, hugeFraction);
    }
  }
}

export interface SampleTimelineOptions {
  /** Interval between samples away from events. */
  coarseStepMs: number;
  /** Interval between samples around logging on and off (0 = none: a regular timeline). */
  fineStepMs?: number;
}

/** Fine sampling covers this much before and after logging is switched on, and off. */
const FINE_AROUND_LOGGING_ON_MS = { before: 50, after: 300 };
const FINE_AROUND_LOGGING_OFF_MS = { before: 200, after: 1000 };

/**
 * Sample times the way an adaptive sampler picks them: a coarse grid, and a
 * fine one (aligned on the event) around logging on and off.
 */
export function sampleTimes(input: CurveInput, horizonMs: number, options: SampleTimelineOptions): number[] {
  const times = new Set<number>();
  for (let index = 0; index * options.coarseStepMs <= horizonMs; index += 1) times.add(index * options.coarseStepMs);
  const fineStepMs = options.fineStepMs ?? 0;
  if (fineStepMs > 0) {
    const around = (eventMs: number, window: { before: number; after: number }): void => {
      for (let offset = -window.before; offset <= window.after; offset += fineStepMs) {
        const tMs = eventMs + offset;
        if (tMs >= 0 && tMs <= horizonMs) times.add(tMs);
      }
    };
    around(input.loggingOnMs, FINE_AROUND_LOGGING_ON_MS);
    around(input.loggingOffMs, FINE_AROUND_LOGGING_OFF_MS);
  }
  return [...times].sort((a, b) => a - b);
}

/** Integration step where the curve moves; it is flat before logging off and once the recovery settled. */
const INTEGRATION_STEP_MS = 0.5;
const SETTLED_AFTER_LOGGING_OFF_MS = 2000;

/** Integral of the throughput over [fromMs, toMs] (ms x fraction): a 0.5 ms midpoint grid where the curve moves, one value where it is flat. */
function throughputIntegral(input: CurveInput, fromMs: number, toMs: number): number {
  const breaks = [input.loggingOnMs, input.loggingOffMs, input.loggingOffMs + SETTLED_AFTER_LOGGING_OFF_MS].filter((tMs) => tMs > fromMs && tMs < toMs);
  let sum = 0;
  for (const [start, end] of pairs([fromMs, ...breaks, toMs])) {
    const moving = start >= input.loggingOffMs && start < input.loggingOffMs + SETTLED_AFTER_LOGGING_OFF_MS;
    const steps = moving ? Math.max(1, Math.ceil((end - start) / INTEGRATION_STEP_MS)) : 1;
    const stepMs = (end - start) / steps;
    for (let index = 0; index < steps; index += 1) sum += sampleCurveAt(input, start + (index + 0.5) * stepMs).relativeThroughput * stepMs;
  }
  return sum;
}

function pairs(values: readonly number[]): [number, number][] {
  return values.slice(1).map((value, index) => [values[index]!, value]);
}

/** Mean throughput of the curve over (fromMs, toMs]. */
function meanThroughput(input: CurveInput, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return sampleCurveAt(input, toMs).relativeThroughput;
  return throughputIntegral(input, fromMs, toMs) / (toMs - fromMs);
}

/**
 * A timeline as the engine reports it: each point ends the interval since the
 * previous one, with the mean throughput over that interval and the mapping
 * state at its end.
 */
export function sampleTimeline(input: CurveInput, horizonMs: number, options: SampleTimelineOptions): TimelinePoint[] {
  const times = sampleTimes(input, horizonMs, options);
  return times.map((tMs, index) => {
    const state = sampleCurveAt(input, tMs);
    return {
      tMs,
      relativeThroughput: meanThroughput(input, index === 0 ? tMs : times[index - 1]!, tMs),
      hugeFraction: state.hugeFraction,
      fraction4k: 1 - state.hugeFraction,
      dirtyLogging: state.dirtyLogging,
    };
  });
}

/**
 * Recovery metrics of a curve, on a 0.5 ms grid from logging off to the
 * horizon, with the engine's definitions: time to a level = end of the last
 * step below it (0 if none was), null if below it at the horizon.
 */
export function sampleRecoveryMetrics(
  input: CurveInput,
  horizonMs: number,
  vcpus: number,
): Pick<
  RecoveryReport,
  'timeTo90PctMs' | 'timeTo95PctMs' | 'timeTo99PctMs' | 'minRelativeThroughput' | 'lostWorkVcpuSeconds' | 'finalHugeFraction' | 'finalRelativeThroughput'
> {
  const gridMs = INTEGRATION_STEP_MS;
  const levels = [0.9, 0.95, 0.99] as const;
  const lastBelowEndMs = [-1, -1, -1];
  let minRelativeThroughput = Number.POSITIVE_INFINITY;
  // The curve moves for a while after logging off, then stays flat until the horizon.
  const movingEndMs = Math.min(horizonMs, input.loggingOffMs + SETTLED_AFTER_LOGGING_OFF_MS);
  const steps = Math.ceil((movingEndMs - input.loggingOffMs) / gridMs);
  let throughput = 1;
  for (let step = 0; step < steps; step += 1) {
    const tMs = input.loggingOffMs + step * gridMs;
    throughput = sampleCurveAt(input, tMs + gridMs / 2).relativeThroughput;
    levels.forEach((level, index) => {
      if (throughput < level) lastBelowEndMs[index] = tMs + gridMs - input.loggingOffMs;
    });
    minRelativeThroughput = Math.min(minRelativeThroughput, throughput);
  }
  const lostWorkVcpuSeconds = ((horizonMs - input.loggingOffMs - throughputIntegral(input, input.loggingOffMs, horizonMs)) / 1000) * vcpus;
  const timeTo = (index: number): number | null => (throughput < levels[index]! ? null : Math.max(0, lastBelowEndMs[index]!));
  const end = sampleCurveAt(input, horizonMs);
  return {
    timeTo90PctMs: timeTo(0),
    timeTo95PctMs: timeTo(1),
    timeTo99PctMs: timeTo(2),
    minRelativeThroughput,
    lostWorkVcpuSeconds,
    finalHugeFraction: end.hugeFraction,
    finalRelativeThroughput: end.relativeThroughput,
  };
}
