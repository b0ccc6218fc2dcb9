import { CodecRegistry, checks, defineCodec, encodeIdPart, type Envelope, type JsonValue, type MessageCodec } from '@migsim/transport';
import type { RunKey, RunResult, RunTask } from '@migsim/sweep';

/**
 * The messages of a sweep over BullMQ: `sweep.run` (the sweep to the
 * `sweep.runs` queue every `migsim worker` consumes: one run, with
 * everything needed to execute it) and `sweep.result` (a worker to the
 * sweep's own reply queue: the run's row).
 */
export const SWEEP_RUNS_QUEUE = 'sweep.runs';
export const DEFAULT_SWEEP_NAMESPACE = 'sweep';

export interface SweepRunMessageV1 extends Envelope<'sweep.run', 1> {
  readonly sweep: string;
  readonly replyTo: string;
  readonly scenarioText: string;
  readonly fileName: string;
  readonly sets: JsonValue;
  readonly cell: number;
  readonly seed: number;
  readonly variant: string;
}

export interface SweepResultMessageV1 extends Envelope<'sweep.result', 1> {
  readonly sweep: string;
  readonly result: JsonValue;
}

export type SweepMessage = SweepRunMessageV1 | SweepResultMessageV1;

const sweepRunCodecV1: MessageCodec<SweepRunMessageV1> = defineCodec<SweepRunMessageV1>('sweep.run', 1, {
  sweep: checks.nonEmptyString,
  replyTo: checks.nonEmptyString,
  scenarioText: checks.nonEmptyString,
  fileName: checks.nonEmptyString,
  sets: checks.json,
  cell: checks.integer(0),
  seed: checks.integer(0, 0xffff_ffff),
  variant: checks.nonEmptyString,
});

const sweepResultCodecV1: MessageCodec<SweepResultMessageV1> = defineCodec<SweepResultMessageV1>('sweep.result', 1, {
  sweep: checks.nonEmptyString,
  result: checks.json,
});

export function sweepCodecs(): CodecRegistry<SweepMessage> {
  return CodecRegistry.empty().register(sweepRunCodecV1).register(sweepResultCodecV1);
}

/** `sweep.results.<sweep id>`: each sweep hears back on a queue of its own. */
export function replyQueueOf(sweep: string): string {
  return `sweep.results.${sweep}`;
}

/** One job id per run of a sweep, the same for the run and its result: a second send is a no-op. */
export function runJobId(sweep: string, key: RunKey): string {
  return `run~${sweep}~${key.cell}~${key.seed}~${encodeIdPart(key.variant)}`;
}

export function runMessage(sweep: string, task: RunTask): SweepRunMessageV1 {
  return {
    v: 1,
    type: 'sweep.run',
    sweep,
    replyTo: replyQueueOf(sweep),
    scenarioText: task.scenarioText,
    fileName: task.fileName,
    sets: task.sets as unknown as JsonValue,
    cell: task.cell,
    seed: task.seed,
    variant: task.variant,
  };
}

export function taskOf(message: SweepRunMessageV1): RunTask {
  return {
    scenarioText: message.scenarioText,
    fileName: message.fileName,
    sets: message.sets as unknown as RunTask['sets'],
    cell: message.cell,
    seed: message.seed,
    variant: message.variant,
  };
}

export function resultMessage(sweep: string, result: RunResult): SweepResultMessageV1 {
  return { v: 1, type: 'sweep.result', sweep, result: result as unknown as JsonValue };
}

/** A result as the sweep reads it back: the run it claims to be must be one of the sweep's. */
export function readResult(message: SweepResultMessageV1): RunResult {
  const result = message.result as unknown as RunResult;
  const valid =
    typeof result === 'object' &&
    result !== null &&
    Number.isSafeInteger(result.cell) &&
    Number.isSafeInteger(result.seed) &&
    typeof result.variant === 'string' &&
    Array.isArray(result.migrations) &&
    Array.isArray(result.checks);
  if (!valid) throw new Error(`sweep ${message.sweep}: a result that is not a run's row`);
  return result;
}

/**
 * Delivery for sweep runs: a run executes in a worker thread, so a worker's
 * event loop stays free to renew its locks however long a run takes, and a
 * killed worker's run is handed to another within about 10 s.
 */
export const SWEEP_DELIVERY = { lockDurationMs: 5_000, stalledIntervalMs: 2_500, maxStalledCount: 3, maxAttempts: 3, backoffDelayMs: 500 } as const;
