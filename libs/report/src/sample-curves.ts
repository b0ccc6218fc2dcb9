import type { RecoveryReport, RecoveryStrategyName, TimelinePoint } from './report-model';

/**
 * Synthetic performance curves for sample reports (test data, not a model:
 * libs/guest computes the real curves). Shapes follow DESIGN.md section 1:
 * dirty logging maps everything at 4 KiB; after it is switched off, `none`
 * stays at the 4 KiB level, the zapping strategies dip while re-faulting and
 * come back, `recover-in-place` comes back at once with no re-faults.
 */
export interface CurveInput {
  loggingOnMs: number;
  /** When dirty logging was switched off (the recovery starts). */
  loggingOffMs: number;
  strategy: RecoveryStrategyName;
  /** Duration of the disable operation itself. */
  disableMs: number;
}

/** Relative throughput of an all-4K mapping, and while logging (write faults / PML exits on top). */
const THROUGHPUT_ALL_4K = 0.74;
const THROUGHPUT_WHILE_LOGGING = 0.62;
/** Time constant of the working set faulting back in at 2 MiB after a zap. */
const REFAULT_TIME_CONSTANT_MS = 2500;
/** Extra throughput lost to the re-fault storm right after a zap, decaying fast. */
const REFAULT_STORM_PENALTY = 0.38;
const REFAULT_STORM_DECAY_MS = 900;

export interface CurveSample {
  relativeThroughput: number;
  hugeFraction: number;
  dirtyLogging: boolean;
}

export function sampleCurveAt(input: CurveInput, tMs: number): CurveSample {
  if (tMs < input.loggingOnMs) return { relativeThroughput: 1, hugeFraction: 1, dirtyLogging: false };
  if (tMs < input.loggingOffMs) return { relativeThroughput: THROUGHPUT_WHILE_LOGGING, hugeFraction: 0, dirtyLogging: true };
  const since = tMs - input.loggingOffMs - input.disableMs;
  if (since < 0) return { relativeThroughput: THROUGHPUT_ALL_4K, hugeFraction: 0, dirtyLogging: false };
  switch (input.strategy) {
    case 'none':
      return { relativeThroughput: THROUGHPUT_ALL_4K, hugeFraction: 0, dirtyLogging: false };
    case 'recover-in-place':
      return { relativeThroughput: 1, hugeFraction: 1, dirtyLogging: false };
    default: {
      const hugeFraction = 1 - Math.exp(-since / REFAULT_TIME_CONSTANT_MS);
      const storm = REFAULT_STORM_PENALTY * Math.exp(-since / REFAULT_STORM_DECAY_MS);
      const relativeThroughput = THROUGHPUT_ALL_4K + (1 - THROUGHPUT_ALL_4K) * hugeFraction - storm;
      return { relativeThroughput: Math.max(0.05, relativeThroughput), hugeFraction, dirtyLogging: false };
    }
  }
}

export function sampleTimeline(input: CurveInput, horizonMs: number, stepMs: number): TimelinePoint[] {
  const points: TimelinePoint[] = [];
  for (let tMs = 0; tMs <= horizonMs; tMs += stepMs) {
    const sample = sampleCurveAt(input, tMs);
    points.push({
      tMs,
      relativeThroughput: sample.relativeThroughput,
      hugeFraction: sample.hugeFraction,
      fraction4k: 1 - sample.hugeFraction,
      dirtyLogging: sample.dirtyLogging,
    });
  }
  return points;
}

/** Recovery metrics of a curve, integrated on a 10 ms grid from logging-off to the horizon. */
export function sampleRecoveryMetrics(
  input: CurveInput,
  horizonMs: number,
  vcpus: number,
): Pick<RecoveryReport, 'timeTo90PctMs' | 'timeTo95PctMs' | 'timeTo99PctMs' | 'lostWorkVcpuSeconds' | 'finalHugeFraction' | 'finalRelativeThroughput'> {
  const gridMs = 10;
  const reached: Record<90 | 95 | 99, number | null> = { 90: null, 95: null, 99: null };
  let lostWorkVcpuSeconds = 0;
  for (let tMs = input.loggingOffMs; tMs < horizonMs; tMs += gridMs) {
    const throughput = sampleCurveAt(input, tMs).relativeThroughput;
    for (const pct of [90, 95, 99] as const) {
      if (reached[pct] === null && throughput >= pct / 100) reached[pct] = tMs - input.loggingOffMs;
    }
    lostWorkVcpuSeconds += (1 - throughput) * (gridMs / 1000) * vcpus;
  }
  const end = sampleCurveAt(input, horizonMs);
  return {
    timeTo90PctMs: reached[90],
    timeTo95PctMs: reached[95],
    timeTo99PctMs: reached[99],
    lostWorkVcpuSeconds,
    finalHugeFraction: end.hugeFraction,
    finalRelativeThroughput: end.relativeThroughput,
  };
}
