import { totalmem } from 'node:os';
import { parseSize, type Scenario } from '@migsim/scenario';
import { estimateModelBytes, formatBytes } from '@migsim/sim';
import { CliError } from './cli-error';

/** What a scenario's models may take, and where that figure comes from (for the message). */
export interface ModelMemoryLimit {
  readonly bytes: number;
  readonly source: string;
}

/** By default a scenario's models may take half of what the machine has: the engine, node and the report need the rest. */
const DEFAULT_SHARE = 0.5;

/**
 * The limit from MIGSIM_MODEL_MEMORY_LIMIT, else half of the machine's memory
 * (or of its cgroup's limit when smaller). Read once per command, so validate
 * and simulate on one machine agree.
 */
export function modelMemoryLimit(env: NodeJS.ProcessEnv = process.env): ModelMemoryLimit {
  const written = env.MIGSIM_MODEL_MEMORY_LIMIT;
  if (written !== undefined && written !== '') {
    const size = parseSize(written);
    if (!size.ok) throw new CliError(`MIGSIM_MODEL_MEMORY_LIMIT: found ${JSON.stringify(written)}, expected ${size.expected}`);
    return { bytes: size.value, source: 'MIGSIM_MODEL_MEMORY_LIMIT' };
  }
  const total = totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  const machine = constrained > 0 && constrained < total ? { bytes: constrained, what: "this machine's cgroup memory limit" } : { bytes: total, what: "this machine's memory" };
  return { bytes: Math.floor(machine.bytes * DEFAULT_SHARE), source: `half of ${machine.what}, ${formatBytes(machine.bytes)}; MIGSIM_MODEL_MEMORY_LIMIT sets another limit` };
}

/** Refuses (exit 2) a scenario whose models would not fit, naming its largest VMs, the estimate and the limit. */
export function checkModelMemory(file: string, scenario: Scenario, limit: ModelMemoryLimit = modelMemoryLimit()): void {
  const estimate = estimateModelBytes(scenario);
  if (estimate.bytes <= limit.bytes) return;
  throw new CliError(
    `${file}: vms: found models that need an estimated ${formatBytes(estimate.bytes)} (${estimate.detail}), ` +
      `expected at most ${formatBytes(limit.bytes)}, what this machine can give them (${limit.source})`,
  );
}
