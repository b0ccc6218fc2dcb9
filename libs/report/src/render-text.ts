import { formatBytes, formatCount, formatDurationMs, formatPercent, formatVcpuSeconds } from './format';
import { attemptReason } from './migration-totals';
import {
  comparisonHighlights,
  comparisonVerdict,
  NEVER_BELOW,
  recoveryComparisonRows,
  timeToLevelText,
  type RecoveryComparisonRow,
} from './recovery-comparison';
import type { DrawnFaultEntry, HostReport, MigrationOutcome, Report, VariantReport } from './report-model';
import { hiddenMigrationsLine, hostsLine, shownMigrations, studyLines } from './render-study-text';
import { paint, renderTable, type AnsiStyle, type TextCell, type TextColumn } from './text-table';

export interface TextOptions {
  /** ANSI colours (only when the output is a terminal). Default false. */
  color?: boolean;
  /** Line width to fit tables and wrap text into. Default 120. */
  width?: number;
}

export const DEFAULT_TEXT_WIDTH = 120;
const INDENT = '  ';

const OUTCOME_STYLE: Record<MigrationOutcome, AnsiStyle> = {
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
  aborted: 'yellow',
  unfinished: 'dim',
};

/**
 * A terminal summary of a report: header, each variant's hosts and
 * migrations, the side-by-side recovery comparison, the failed checks and
 * a closing result line. Pure string building.
 */
export function renderText(report: Report, options: TextOptions = {}): string {
  const color = options.color ?? false;
  const width = Math.max(40, options.width ?? DEFAULT_TEXT_WIDTH);
  const table = { indent: INDENT, width, color };
  const lines: string[] = [];
  const heading = (title: string): void => {
    lines.push('', paint(`== ${title} ${'='.repeat(Math.max(0, Math.min(width, 80) - title.length - 4))}`, 'bold', color));
  };

  lines.push(paint(`migsim report: ${report.scenario.name}`, 'bold', color));
  if (report.scenario.description) lines.push(...wrap(report.scenario.description, width, ''));
  const facts = [
    report.scenario.file === null ? null : `file ${report.scenario.file}`,
    `seed ${report.seed}`,
    `engine ${report.engine}`,
    `horizon ${formatDurationMs(report.horizonMs)}`,
    `${report.variants.length} variant${report.variants.length === 1 ? '' : 's'}`,
    `${report.generatedBy.tool} ${report.generatedBy.version}`,
  ];
  lines.push(...wrap(facts.filter((fact) => fact !== null).join(' · '), width, ''));

  for (const variant of report.variants) {
    heading(`Variant ${variant.name}`);
    if (variant.description) lines.push(...wrap(variant.description, width, INDENT));
    lines.push(...wrap(hostsLine(variant.hosts, describeHost), width, INDENT));
    if (variant.drawnFaults !== undefined) lines.push(...faultEntryLines(variant.drawnFaults, `faults drawn from seed ${report.seed} (chaos)`, 'drawnFaults'));
    if (variant.injectedFaults !== undefined) lines.push(...faultEntryLines(variant.injectedFaults, 'faults injected while it ran', 'injectedFaults'));
    lines.push('');
    lines.push(...studyLines(variant, report.summary.variants.find((summary) => summary.variant === variant.name), table));
    const shown = shownMigrations(variant);
    lines.push(...migrationTable(shown.variant, table), ...hiddenMigrationsLine(shown.hidden));
    const passed = variant.checks.filter((check) => check.passed).length;
    const failed = variant.checks.length - passed;
    lines.push('', `${INDENT}checks: ${passed} passed, ${paint(`${failed} failed`, failed > 0 ? 'red' : undefined, color)}`);
  }

  const rows = recoveryComparisonRows(report);
  heading('Recovery comparison: after dirty logging was switched off');
  if (rows.length === 0) {
    lines.push(`${INDENT}No VM had dirty logging switched off after a failure, cancel or probe.`);
  } else {
    lines.push(...comparisonTable(rows, table));
    lines.push('');
    lines.push(...wrap(comparisonVerdict(rows, formatDurationMs) ?? '', width, INDENT).map((line) => paint(line, 'bold', color)));
    const legend = [
      'to 90/95/99 % = time from dirty logging off until throughput reached that share of baseline and stayed there; ' +
        `${NEVER_BELOW} = it never fell below that share after logging off (0 ms); — = not back by the horizon.`,
      'disable = simulated time of the disable-dirty-logging operation; flushes = TLB flushes it issued; ' +
        're-faults = faults to rebuild dropped mappings; lost work = vCPU-seconds lost to the deficit until the horizon; ' +
        'huge at end = huge-page coverage at the horizon.',
    ];
    for (const paragraph of legend) lines.push(...wrap(paragraph, width, INDENT).map((line) => paint(line, 'dim', color)));
  }

  const failedChecks = report.variants.flatMap((variant) =>
    variant.checks.filter((check) => !check.passed).map((check) => ({ variant: variant.name, check })),
  );
  heading('Failed checks');
  if (failedChecks.length === 0) lines.push(`${INDENT}none`);
  for (const { variant, check } of failedChecks) {
    const at = check.firstViolationMs === undefined ? '' : ` (first violated at ${formatDurationMs(check.firstViolationMs)})`;
    // Wrapped before painting: escape codes take no room on screen.
    const wrapped = wrap(`✗ [${variant}] ${check.name} (${check.kind}): ${check.detail}${at}`, width, INDENT);
    lines.push(wrapped[0]!.replace('✗', paint('✗', 'red', color)), ...wrapped.slice(1));
  }

  const { passed, failed } = report.summary.checks;
  lines.push('');
  lines.push(
    failed === 0
      ? paint(`Result: all ${passed} checks passed.`, 'green', color)
      : paint(`Result: ${failed} of ${passed + failed} checks failed.`, 'red', color),
  );
  return `${lines.join('\n')}\n`;
}

function describeHost(host: HostReport): string {
  const kernel = host.kernel;
  const traits = [kernel.mmu, kernel.pml ? 'pml' : 'no pml', kernel.eagerSplit ? 'eager split' : null, `recovery ${kernel.recovery}`];
  const preset = kernel.preset === null ? '' : ` ${kernel.preset}`;
  return `${host.name}${preset} (${traits.filter((trait) => trait !== null).join(', ')})`;
}

const MIGRATION_COLUMNS: TextColumn[] = [
  { header: 'id', align: 'left', shrinkPriority: 1 },
  { header: 'attempt', align: 'right' },
  { header: 'vm', align: 'left', shrinkPriority: 1 },
  { header: 'route', align: 'left', shrinkPriority: 1 },
  { header: 'outcome', align: 'left' },
  { header: 'total-time', align: 'right' },
  { header: 'downtime', align: 'right' },
  { header: 'rounds', align: 'right' },
  { header: 'transferred', align: 'right' },
];

/** Outcomes of an attempt that did not complete and should say why. */
const ENDED_WITHOUT_COMPLETING: readonly MigrationOutcome[] = ['failed', 'aborted', 'cancelled'];

/**
 * One row per attempt (a migration never started gets one row without an
 * attempt number), then why each attempt that failed, was aborted or was
 * cancelled ended.
 */
function migrationTable(variant: VariantReport, table: { indent: string; width: number; color: boolean }): string[] {
  if (variant.migrations.length === 0) return [`${INDENT}no migrations`];
  const rows = variant.migrations.flatMap((migration) => {
    const route = `${migration.source} → ${migration.destination}`;
    if (migration.attempts.length === 0) {
      return [[migration.id, '—', migration.vm, route, { text: migration.outcome, style: OUTCOME_STYLE[migration.outcome] }, '—', '—', '—', '—']];
    }
    return migration.attempts.map((attempt) => [
      migration.id,
      String(attempt.attempt),
      migration.vm,
      route,
      { text: attempt.outcome, style: OUTCOME_STYLE[attempt.outcome] },
      formatDurationMs(attempt.info['total-time']),
      formatDurationMs(attempt.info.downtime),
      String(attempt.info.ram['dirty-sync-count']),
      formatBytes(attempt.info.ram.transferred),
    ]);
  });
  const lines = renderTable(MIGRATION_COLUMNS, rows, table);
  for (const migration of variant.migrations) {
    for (const attempt of migration.attempts) {
      if (!ENDED_WITHOUT_COMPLETING.includes(attempt.outcome)) continue;
      const reason = attemptReason(attempt) ?? 'no reason recorded';
      lines.push(...wrap(`${migration.id} attempt ${attempt.attempt} ${attempt.outcome}: ${reason}`, table.width, INDENT + INDENT));
    }
  }
  return lines;
}

const COMPARISON_COLUMNS: TextColumn[] = [
  // The variant is the answer: cut VM names first.
  { header: 'variant / strategy', align: 'left', shrinkPriority: 1 },
  { header: 'vm', align: 'left', shrinkPriority: 2 },
  { header: 'disable', align: 'right' },
  { header: 'flushes', align: 'right' },
  { header: 're-faults', align: 'right' },
  { header: 'to 90 %', align: 'right' },
  { header: 'to 95 %', align: 'right' },
  { header: 'to 99 %', align: 'right' },
  { header: 'lost work', align: 'right' },
  { header: 'huge at end', align: 'right' },
];

function comparisonTable(rows: readonly RecoveryComparisonRow[], table: { indent: string; width: number; color: boolean }): string[] {
  // The best value of each "lower is better" column is highlighted.
  const best = comparisonHighlights(rows);
  const mark = (text: string, isBest: boolean): TextCell => (isBest ? { text, style: 'green' } : { text });
  const textRows = rows.map((row, index) => {
    const recovery = row.recovery;
    const label = row.variant === row.strategy ? row.variant : `${row.variant} / ${row.strategy}`;
    return [
      { text: label, style: 'bold' as const },
      row.vm,
      formatDurationMs(recovery.disable.simulatedMs),
      formatCount(recovery.disable.tlbFlushes),
      mark(formatCount(recovery.refaults), best.refaults.has(index)),
      timeToLevelText(recovery, 0.9, formatDurationMs),
      mark(timeToLevelText(recovery, 0.95, formatDurationMs), best.to95.has(index)),
      timeToLevelText(recovery, 0.99, formatDurationMs),
      mark(formatVcpuSeconds(recovery.lostWorkVcpuSeconds), best.lostWork.has(index)),
      formatPercent(recovery.finalHugeFraction),
    ];
  });
  return renderTable(COMPARISON_COLUMNS, textRows, table);
}

/** Greedy word wrap; words longer than the line stay whole. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (current !== '' && indent.length + current.length + 1 + word.length > width) {
      lines.push(indent + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(indent + current);
  return lines;
}

/** At most this many drawn or injected faults are listed; the JSON report has them all. */
const DRAWN_FAULTS_SHOWN = 12;

/** The faults a chaos section drew (or operators injected), as the YAML lines a scenario's `faults:` list would hold. */
function faultEntryLines(faults: readonly DrawnFaultEntry[], heading: string, key: string): string[] {
  const lines = [`${INDENT}${heading}: ${faults.length === 0 ? 'none' : faults.length}`];
  // One line each, never wrapped: the lines paste into a scenario's faults list as they are.
  for (const fault of faults.slice(0, DRAWN_FAULTS_SHOWN)) lines.push(`${INDENT}  - ${flowMapping(fault)}`);
  if (faults.length > DRAWN_FAULTS_SHOWN) lines.push(`${INDENT}  ... and ${faults.length - DRAWN_FAULTS_SHOWN} more (all in the JSON report's ${key})`);
  return lines;
}

/** The order a scenario file writes a fault's keys in (others follow, alphabetically). */
const FAULT_KEY_ORDER = ['kind', 'host', 'from', 'to', 'migration', 'at', 'when', 'phase', 'round', 'after', 'bandwidth', 'latency', 'duration', 'description'];

function faultKeyRank(key: string): number {
  const rank = FAULT_KEY_ORDER.indexOf(key);
  return rank < 0 ? FAULT_KEY_ORDER.length : rank;
}

/** `{ kind: link-down, host: dst-1, at: 12s }`: YAML flow style, in a fault's key order, strings quoted only when YAML needs it. */
export function flowMapping(entry: DrawnFaultEntry): string {
  const keys = Object.keys(entry).sort((a, b) => faultKeyRank(a) - faultKeyRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const parts = keys.map((key) => {
    const value = entry[key]!;
    const text = typeof value === 'object' ? flowMapping(value) : typeof value === 'string' && needsQuotes(value) ? JSON.stringify(value) : String(value);
    return `${key}: ${text}`;
  });
  return `{ ${parts.join(', ')} }`;
}

/** Whether YAML would read the plain string as something else (a number, a boolean, a mapping, a comment). */
function needsQuotes(text: string): boolean {
  return !/^[A-Za-z0-9][A-Za-z0-9./_ -]*$/.test(text) || /^(true|false|null|yes|no|on|off|[-+]?[0-9._]+(e[-+]?[0-9]+)?)$/i.test(text) || text.endsWith(' ');
}
