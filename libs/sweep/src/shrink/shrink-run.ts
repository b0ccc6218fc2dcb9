import { VariantWorld } from '@migsim/cluster';
import { parseDuration, parseScenarioObject, ScenarioError, variantDocument } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { stringify } from 'yaml';
import { cellDocument, loadCell, type CellSet } from '../input/sweep-plan';
import { ENGINE_ERROR_CHECK, SAFETY_CHECKS } from '../run/run-result';
import { clone, expandCounts, list, prune, withHorizon } from './prune';

type Doc = Record<string, unknown>;

/** A failing run to shrink, self-contained (it crosses threads as plain data). */
export interface ShrinkTask {
  scenarioText: string;
  fileName: string;
  sets: readonly CellSet[];
  /** The cell of the sweep's grid `sets` come from. */
  cell: number;
  seed: number;
  variant: string;
  /** The check the shrunk scenario must still fail (`engine-error: <code>` for a run that threw). */
  check: string;
  /** At most this many simulations. */
  budget: number;
}

export interface ShrinkSize {
  hosts: number;
  vms: number;
  migrations: number;
  faults: number;
  horizon: string;
}

export interface ShrinkResult {
  /** The shrunk scenario as a YAML file, with a comment saying where it comes from and what it fails. */
  yaml: string;
  check: string;
  /** What the check said in the shrunk run. */
  detail: string;
  simulations: number;
  before: ShrinkSize;
  after: ShrinkSize;
}

interface Verdict {
  fails: boolean;
  detail: string;
}

/**
 * Turns a failing run of a sweep into a small scenario file that still fails
 * the same check (Hypothesis / fast-check style shrinking, greedy and
 * deterministic): the run's variant and `--set` values written into the
 * file, its chaos section replaced by the faults it drew as plain `faults:`,
 * its seed fixed; then, while the budget lasts, it tries to drop the other
 * checks, faults (halves, then quarters, ... then one by one), VMs,
 * migrations, plans and hosts (with whatever names them), and — for a
 * safety invariant or an engine error — to end the run earlier (whole
 * seconds), keeping each cut that still fails. `migsim simulate` on the
 * result reproduces the failure.
 */
export function shrinkRun(task: ShrinkTask): ShrinkResult {
  const start = startingDocument(task);
  let simulations = 0;
  const verdict = (doc: Doc): Verdict => {
    simulations += 1;
    return judge(doc, task);
  };
  const first = verdict(start);
  if (!first.fails) throw new Error(`seed ${task.seed}, variant ${task.variant}: the run written as a plain scenario does not fail ${task.check} (${first.detail})`);
  let current = start;
  let detail = first.detail;
  const tryCandidate = (candidate: Doc): boolean => {
    if (simulations >= task.budget) return false;
    const result = verdict(candidate);
    if (!result.fails) return false;
    current = candidate;
    detail = result.detail;
    return true;
  };

  tryCandidate(keepOnlyTarget(current, task.check));
  for (let progress = true; progress && simulations < task.budget; ) {
    progress = false;
    progress = dropFaults(() => current, tryCandidate) || progress;
    for (const key of ['vms', 'migrations', 'plans', 'probes', 'hosts']) progress = dropEntries(key, () => current, tryCandidate) || progress;
    if (horizonMayShrink(task.check)) progress = shortenHorizon(() => current, tryCandidate) || progress;
  }
  return { yaml: renderShrunk(task, current, detail, simulations, sizeOf(start)), check: task.check, detail, simulations, before: sizeOf(start), after: sizeOf(current) };
}

/** The failing run as a plain file: its cell, its variant, its drawn faults, its seed; counts expanded. */
export function startingDocument(task: ShrinkTask): Doc {
  const scenario = loadCell(task.scenarioText, task.fileName, task.sets);
  const variant = scenario.variants.find((candidate) => candidate.name === task.variant);
  if (variant === undefined) throw new Error(`no variant ${task.variant} in ${task.fileName}`);
  const drawn = new VariantWorld(scenario, variant, task.seed).variant.drawnFaults ?? [];
  const doc = variantDocument(cellDocument(task.scenarioText, task.sets), task.variant);
  delete doc['chaos'];
  doc['faults'] = [...list(doc, 'faults'), ...clone(drawn)];
  doc['seed'] = task.seed;
  return expandCounts(doc);
}

function judge(doc: Doc, task: ShrinkTask): Verdict {
  let scenario;
  try {
    scenario = parseScenarioObject(doc, task.fileName);
  } catch (error) {
    if (error instanceof ScenarioError) return { fails: false, detail: 'does not load' };
    throw error;
  }
  try {
    const check = simulate(scenario, { seed: task.seed }).variants[0]!.checks.find((candidate) => candidate.name === task.check);
    return check === undefined ? { fails: false, detail: 'no such check' } : { fails: !check.passed, detail: check.detail };
  } catch (error) {
    const code = (error as { code?: unknown }).code ?? (error as Error).name;
    return { fails: task.check === `${ENGINE_ERROR_CHECK}: ${String(code)}`, detail: (error as Error).message };
  }
}

/**
 * Whether cutting the horizon keeps the failure what it was. A safety
 * invariant or an engine error fails at a moment: a run that still reaches
 * it fails the same way. The scenario's checks are judged at the horizon
 * (`migrations-end` and `host-drained` by it, `recovers` within it): an
 * earlier horizon would make them fail for that reason alone (a drain cut
 * off 1 s after it began has not ended), so their runs keep the horizon.
 */
export function horizonMayShrink(check: string): boolean {
  return SAFETY_CHECKS.includes(check) || check.startsWith(`${ENGINE_ERROR_CHECK}:`);
}

/** Only the failing check stays (the safety invariants are always judged). */
function keepOnlyTarget(doc: Doc, check: string): Doc {
  const copy = clone(doc);
  const named = (entry: Record<string, unknown>) => {
    try {
      const one = parseScenarioObject({ ...copy, checks: [entry] }, 'check').checks[0];
      return one?.name === check;
    } catch {
      return false;
    }
  };
  copy['checks'] = list(copy, 'checks').filter(named);
  delete copy['description'];
  return copy;
}

/** Delta debugging over the faults: cut chunks of half, a quarter, ... one fault at a time. */
function dropFaults(current: () => Doc, attempt: (doc: Doc) => boolean): boolean {
  let progress = false;
  for (let chunk = Math.ceil(list(current(), 'faults').length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let start = 0; start < list(current(), 'faults').length; ) {
      const doc = clone(current());
      const faults = list(doc, 'faults');
      doc['faults'] = [...faults.slice(0, start), ...faults.slice(start + chunk)];
      if (attempt(doc)) progress = true;
      else start += chunk;
    }
  }
  return progress;
}

/** Cuts entries of one list one at a time (last first: drains and checks name the early ones more often). */
function dropEntries(key: string, current: () => Doc, attempt: (doc: Doc) => boolean): boolean {
  let progress = false;
  for (let index = list(current(), key).length - 1; index >= 0; index--) {
    const doc = clone(current());
    const entries = list(doc, key);
    if (index >= entries.length) continue;
    doc[key] = [...entries.slice(0, index), ...entries.slice(index + 1)];
    if (attempt(prune(doc))) progress = true;
  }
  return progress;
}

/** Binary search for the earliest horizon (whole seconds) at which the run still fails. */
function shortenHorizon(current: () => Doc, attempt: (doc: Doc) => boolean): boolean {
  const horizon = parseDuration(current()['horizon']);
  if (!horizon.ok) return false;
  let lo = 1;
  let hi = Math.ceil(horizon.value / 1e9);
  let progress = false;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (attempt(withHorizon(current(), mid * 1e9))) {
      hi = mid;
      progress = true;
    } else {
      lo = mid + 1;
    }
  }
  return progress;
}

function sizeOf(doc: Doc): ShrinkSize {
  return {
    hosts: list(doc, 'hosts').length,
    vms: list(doc, 'vms').length,
    migrations: list(doc, 'migrations').length + list(doc, 'plans').length,
    faults: list(doc, 'faults').length,
    horizon: String(doc['horizon']),
  };
}

function renderShrunk(task: ShrinkTask, doc: Doc, detail: string, simulations: number, before: ShrinkSize): string {
  const after = sizeOf(doc);
  const sets = task.sets.map((set) => ` --set ${set.path}=${set.text}`).join('');
  const header = [
    `Shrunk from ${task.fileName}, seed ${task.seed}, variant ${task.variant}${sets}.`,
    `Still fails ${task.check}: ${detail}`,
    `From ${before.hosts} hosts, ${before.vms} VMs, ${before.migrations} migrations and plans, ${before.faults} faults, horizon ${before.horizon}`,
    `to ${after.hosts} hosts, ${after.vms} VMs, ${after.migrations} migrations and plans, ${after.faults} faults, horizon ${after.horizon} (${simulations} simulations).`,
    `Reproduce: migsim simulate <this file>`,
  ]
    .flatMap((line) => wrapComment(line))
    .join('\n');
  return `${header}\n${stringify(doc, { lineWidth: 0 })}`;
}

function wrapComment(line: string): string[] {
  const words = line.replace(/\s+/g, ' ').split(' ');
  const lines: string[] = [];
  let current = '#';
  for (const word of words) {
    if (current.length + word.length + 1 > 100 && current !== '#') {
      lines.push(current);
      current = '#';
    }
    current += ` ${word}`;
  }
  lines.push(current);
  return lines;
}
