import type { SweepPlan } from '../input/sweep-plan';
import { failedChecks, type RunResult } from '../run/run-result';
import { sortResults } from '../summary/sweep-summary';

const RUN_COLUMNS = ['cell'] as const;
const ROW_COLUMNS = [
  'seed',
  'variant',
  'migration',
  'vm',
  'source',
  'destination',
  'outcome',
  'attempts',
  'total_time_ms',
  'downtime_ms',
  'transferred_bytes',
  'lost_vcpu_s',
  'recoveries',
  'time_to_95_ms',
  'recovered_95',
  'vm_lost',
  'safety',
  'liveness',
  'failed_checks',
] as const;

/**
 * `runs.csv`: one row per run and migration (a run without migrations, or
 * one the engine could not finish, gets one row with the migration columns
 * empty), in the plan's order. One column per `--set` path after `cell`.
 * Empty cells are unknown values (no downtime for a migration that did not
 * complete, no time to 95 % without a recovery). RFC 4180 quoting.
 */
export function renderRunsCsv(plan: SweepPlan, results: readonly RunResult[]): string {
  const header = [...RUN_COLUMNS, ...plan.parameters.map((parameter) => parameter.path), ...ROW_COLUMNS];
  const lines = [header.map(csvField).join(',')];
  for (const run of sortResults(plan, results)) {
    const cell = plan.cells[run.cell]!;
    const failed = failedChecks(run);
    const verdict = (category: string) => (failed.some((check) => check.category === category) ? 'failed' : 'passed');
    const runFields = [String(run.cell), ...cell.sets.map((set) => set.text), String(run.seed), run.variant];
    const tail = [run.error === null ? verdict('safety') : 'error', run.error === null ? verdict('liveness') : 'error', failed.map((check) => check.name).join('; ')];
    const migrations = run.migrations.length === 0 ? [null] : run.migrations;
    for (const row of migrations) {
      const fields =
        row === null
          ? ['', '', '', '', '', '', '', '', '', '', '', '', '', '']
          : [
              row.id,
              row.vm,
              row.source,
              row.destination,
              row.outcome,
              String(row.attempts),
              number(row.totalTimeMs),
              row.downtimeMs === null ? '' : number(row.downtimeMs),
              String(row.transferredBytes),
              number(row.lostWorkVcpuSeconds),
              String(row.recoveries),
              row.timeTo95Ms === null ? '' : number(row.timeTo95Ms),
              row.recovered95 === null ? '' : row.recovered95 ? 'yes' : 'no',
              row.vmLost ? 'yes' : 'no',
            ];
      lines.push([...runFields, ...fields, ...tail].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

function number(value: number): string {
  return String(Number(value.toPrecision(9)));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
