import { estimateModelBytes, formatBytes } from '@migsim/sim';
import type { Scenario } from '@migsim/scenario';
import type { ModelMemoryEstimate } from '../http/model-memory-admission';

/**
 * What a submitted scenario's models take in a host worker: libs/sim's
 * `estimateModelBytes` (the estimate `migsim simulate` uses) for each
 * variant, summed. The engine runs variants one after another, so the CLI
 * needs the largest one; a shard worker runs every variant's hosts of its
 * shard at once, and with one worker per role (the default) one process
 * holds every source VM of every variant.
 */
export function estimateServicesModelMemory(scenario: Scenario): ModelMemoryEstimate {
  const variants = scenario.variants.map((variant) => estimateModelBytes({ ...scenario, variants: [variant] }));
  const bytes = variants.reduce((sum, estimate) => sum + estimate.bytes, 0);
  const largest = variants.reduce((best, estimate) => (estimate.bytes > best.bytes ? estimate : best), variants[0]!);
  const detail =
    variants.length === 1
      ? largest.detail
      : `${variants.length} variants at once in a worker, ${formatBytes(largest.bytes)} for the largest (${largest.detail})`;
  return { bytes, detail };
}
