import { MIGRATION_STATUSES } from '@migsim/migration';
import { ReportParseError } from './report-error';
import {
  MIGRATION_OUTCOMES,
  PHASE_KINDS,
  RECOVERY_STRATEGY_NAMES,
  REPORT_ENGINES,
  REPORT_SCHEMA_VERSION,
  type Report,
} from './report-model';
import { checkStudyFields, checkStudySummary } from './parse-study';
import { describeValue, ShapeChecker, type JsonObject } from './shape-checker';

const RAM_FIELDS = [
  'transferred',
  'remaining',
  'total',
  'duplicate',
  'normal',
  'normal-bytes',
  'dirty-pages-rate',
  'mbps',
  'dirty-sync-count',
  'precopy-bytes',
  'downtime-bytes',
  'postcopy-bytes',
];
const RECOVERY_TRIGGERS = ['migration-failed', 'migration-cancelled', 'migration-aborted', 'probe-ended'];
/** More problems than this only bury the first ones. */
const MAX_PROBLEMS = 20;

/**
 * Reads a report saved by `renderJson` (e.g. for `migsim report <json>`).
 * Keys this version does not know are kept, so a newer `query-migrate`
 * field survives a round trip.
 *
 * @throws ReportParseError naming `fileName` and every wrong field:
 *   `REPORT_INVALID_JSON`, `REPORT_SCHEMA_VERSION` (checked first: a report
 *   of another version is not checked field by field), `REPORT_SHAPE`.
 */
export function parseReport(text: string, fileName: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportParseError('REPORT_INVALID_JSON', fileName, [
      { path: '', found: `text that is not JSON (${reason})`, expected: 'a JSON report written by migsim' },
    ]);
  }
  const check = new ShapeChecker();
  const report = check.object(value, '');
  if (!report) throw new ReportParseError('REPORT_SHAPE', fileName, check.problems);
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ReportParseError('REPORT_SCHEMA_VERSION', fileName, [
      {
        path: 'schemaVersion',
        found: describeValue(report.schemaVersion),
        expected: `${REPORT_SCHEMA_VERSION} (this migsim reads report schema version ${REPORT_SCHEMA_VERSION}; re-run the simulation with it)`,
      },
    ]);
  }
  checkReport(check, report);
  if (check.problems.length > 0) {
    const shown = check.problems.slice(0, MAX_PROBLEMS);
    if (check.problems.length > MAX_PROBLEMS) {
      shown.push({ path: '', found: `${check.problems.length - MAX_PROBLEMS} more problems`, expected: 'none' });
    }
    throw new ReportParseError('REPORT_SHAPE', fileName, shown);
  }
  return report as unknown as Report;
}

function checkReport(check: ShapeChecker, report: JsonObject): void {
  const generatedBy = check.objectField(report, 'generatedBy', '');
  if (generatedBy) {
    check.oneOf(generatedBy, 'tool', 'generatedBy', ['migsim']);
    check.string(generatedBy, 'version', 'generatedBy');
  }
  const scenario = check.objectField(report, 'scenario', '');
  if (scenario) {
    check.string(scenario, 'name', 'scenario');
    check.string(scenario, 'description', 'scenario', { nullable: true });
    check.string(scenario, 'file', 'scenario', { nullable: true });
  }
  check.number(report, 'seed', '', { integer: true, min: 0, max: 0xffff_ffff });
  check.oneOf(report, 'engine', '', REPORT_ENGINES);
  check.number(report, 'horizonMs', '', { min: 0 });
  check.array(report, 'variants', '', (variant, path) => checkVariant(check, variant, path));
  const summary = check.objectField(report, 'summary', '');
  if (summary) {
    check.array(summary, 'variants', 'summary', (item, path) => {
      const variant = check.object(item, path);
      if (!variant) return;
      check.string(variant, 'variant', path);
      const outcomes = check.objectField(variant, 'outcomes', path);
      if (outcomes) for (const outcome of MIGRATION_OUTCOMES) check.number(outcomes, outcome, `${path}.outcomes`, { integer: true, min: 0 });
      checkPassedFailed(check, variant, path);
      checkStudySummary(check, variant, path);
      check.array(variant, 'recoveries', path, (recovery, recoveryPath) => {
        const entry = check.object(recovery, recoveryPath);
        if (!entry) return;
        check.string(entry, 'vm', recoveryPath);
        check.oneOf(entry, 'strategy', recoveryPath, RECOVERY_STRATEGY_NAMES);
        check.number(entry, 'timeTo95PctMs', recoveryPath, { nullable: true, min: 0 });
        check.number(entry, 'refaults', recoveryPath, { integer: true, min: 0 });
      });
    });
    checkPassedFailed(check, summary, 'summary');
  }
  if (report['execution'] !== undefined) {
    const execution = check.objectField(report, 'execution', '');
    if (execution) {
      check.oneOf(execution, 'driver', 'execution', ['services']);
      check.number(execution, 'wallMs', 'execution', { min: 0 });
      check.number(execution, 'windows', 'execution', { integer: true, min: 0 });
      check.number(execution, 'windowsPerSimulatedSecond', 'execution', { min: 0 });
      check.number(execution, 'speed', 'execution', { nullable: true, min: 0 });
      check.array(execution, 'shards', 'execution', (item, path) => {
        const shard = check.object(item, path);
        if (!shard) return;
        check.string(shard, 'id', path);
        check.number(shard, 'hosts', path, { integer: true, min: 0 });
      });
    }
  }
}

function checkPassedFailed(check: ShapeChecker, parent: JsonObject, path: string): void {
  const checks = check.objectField(parent, 'checks', path);
  if (!checks) return;
  check.number(checks, 'passed', `${path}.checks`, { integer: true, min: 0 });
  check.number(checks, 'failed', `${path}.checks`, { integer: true, min: 0 });
}

function checkVariant(check: ShapeChecker, value: unknown, path: string): void {
  const variant = check.object(value, path);
  if (!variant) return;
  check.string(variant, 'name', path);
  check.string(variant, 'description', path, { nullable: true });
  check.array(variant, 'hosts', path, (item, hostPath) => {
    const host = check.object(item, hostPath);
    if (!host) return;
    check.string(host, 'name', hostPath);
    const kernel = check.objectField(host, 'kernel', hostPath);
    if (!kernel) return;
    const kernelPath = `${hostPath}.kernel`;
    check.string(kernel, 'preset', kernelPath, { nullable: true });
    check.oneOf(kernel, 'mmu', kernelPath, ['tdp', 'shadow']);
    check.boolean(kernel, 'pml', kernelPath);
    check.boolean(kernel, 'eagerSplit', kernelPath);
    check.oneOf(kernel, 'recovery', kernelPath, RECOVERY_STRATEGY_NAMES);
  });
  check.array(variant, 'migrations', path, (item, migrationPath) => checkMigration(check, item, migrationPath));
  checkStudyFields(check, variant, path);
  check.array(variant, 'vms', path, (item, vmPath) => checkVm(check, item, vmPath));
  check.array(variant, 'events', path, (item, eventPath) => {
    const event = check.object(item, eventPath);
    if (!event) return;
    check.number(event, 'tMs', eventPath, { min: 0 });
    check.string(event, 'kind', eventPath);
    check.string(event, 'subject', eventPath);
    check.string(event, 'detail', eventPath);
  });
  check.array(variant, 'checks', path, (item, checkPath) => {
    const result = check.object(item, checkPath);
    if (!result) return;
    check.string(result, 'name', checkPath);
    check.string(result, 'kind', checkPath);
    check.boolean(result, 'passed', checkPath);
    check.string(result, 'detail', checkPath);
    check.number(result, 'firstViolationMs', checkPath, { optional: true, min: 0 });
  });
  for (const key of ['drawnFaults', 'injectedFaults']) {
    if (variant[key] === undefined) continue;
    check.array(variant, key, path, (item, faultPath) => {
      const fault = check.object(item, faultPath);
      if (fault) check.string(fault, 'kind', faultPath);
    });
  }
}

function checkMigration(check: ShapeChecker, value: unknown, path: string): void {
  const migration = check.object(value, path);
  if (!migration) return;
  for (const key of ['id', 'vm', 'source', 'destination', 'algorithm']) check.string(migration, key, path);
  check.oneOf(migration, 'outcome', path, MIGRATION_OUTCOMES);
  check.array(migration, 'attempts', path, (item, attemptPath) => {
    const attempt = check.object(item, attemptPath);
    if (!attempt) return;
    check.number(attempt, 'attempt', attemptPath, { integer: true, min: 1 });
    check.number(attempt, 'startMs', attemptPath, { min: 0 });
    check.number(attempt, 'endMs', attemptPath, { nullable: true, min: 0 });
    check.oneOf(attempt, 'outcome', attemptPath, MIGRATION_OUTCOMES);
    check.string(attempt, 'reason', attemptPath, { optional: true });
    check.array(attempt, 'phases', attemptPath, (phaseItem, phasePath) => {
      const phase = check.object(phaseItem, phasePath);
      if (!phase) return;
      check.oneOf(phase, 'phase', phasePath, PHASE_KINDS);
      check.number(phase, 'round', phasePath, { nullable: true, integer: true, min: 1 });
      check.number(phase, 'startMs', phasePath, { min: 0 });
      check.number(phase, 'endMs', phasePath, { min: 0 });
    });
    const info = check.objectField(attempt, 'info', attemptPath);
    if (!info) return;
    const infoPath = `${attemptPath}.info`;
    check.oneOf(info, 'status', infoPath, MIGRATION_STATUSES);
    check.number(info, 'total-time', infoPath, { min: 0 });
    check.number(info, 'setup-time', infoPath, { min: 0 });
    for (const key of ['downtime', 'expected-downtime', 'cpu-throttle-percentage']) {
      check.number(info, key, infoPath, { optional: true, min: 0 });
    }
    check.string(info, 'error-desc', infoPath, { optional: true });
    const ram = check.objectField(info, 'ram', infoPath);
    if (ram) for (const key of RAM_FIELDS) check.number(ram, key, `${infoPath}.ram`, { min: 0 });
  });
}

function checkVm(check: ShapeChecker, value: unknown, path: string): void {
  const vm = check.object(value, path);
  if (!vm) return;
  check.string(vm, 'name', path);
  check.string(vm, 'host', path);
  check.number(vm, 'memoryBytes', path, { integer: true, min: 0 });
  check.number(vm, 'vcpus', path, { integer: true, min: 1 });
  // Each point ends the interval that began at the previous one: the renderers rely on time order.
  let previousMs = Number.NEGATIVE_INFINITY;
  check.array(vm, 'timeline', path, (item, pointPath) => {
    const point = check.object(item, pointPath);
    if (!point) return;
    check.number(point, 'tMs', pointPath, { min: 0 });
    if (typeof point.tMs === 'number') {
      if (point.tMs < previousMs) check.add(`${pointPath}.tMs`, point.tMs, `a time no earlier than the previous point's ${previousMs} (a timeline is in time order)`);
      previousMs = Math.max(previousMs, point.tMs);
    }
    check.number(point, 'relativeThroughput', pointPath, { min: 0 });
    check.number(point, 'hugeFraction', pointPath, { min: 0, max: 1 });
    check.number(point, 'fraction4k', pointPath, { min: 0, max: 1 });
    check.boolean(point, 'dirtyLogging', pointPath);
  });
  check.array(vm, 'recoveries', path, (item, recoveryPath) => {
    const recovery = check.object(item, recoveryPath);
    if (!recovery) return;
    check.oneOf(recovery, 'strategy', recoveryPath, RECOVERY_STRATEGY_NAMES);
    check.oneOf(recovery, 'trigger', recoveryPath, RECOVERY_TRIGGERS);
    check.string(recovery, 'cause', recoveryPath);
    check.number(recovery, 'startMs', recoveryPath, { min: 0 });
    for (const key of ['timeTo90PctMs', 'timeTo95PctMs', 'timeTo99PctMs']) {
      check.number(recovery, key, recoveryPath, { nullable: true, min: 0 });
    }
    check.number(recovery, 'minRelativeThroughput', recoveryPath, { optional: true, min: 0 });
    check.number(recovery, 'lostWorkVcpuSeconds', recoveryPath, { min: 0 });
    check.number(recovery, 'refaults', recoveryPath, { integer: true, min: 0 });
    check.number(recovery, 'finalHugeFraction', recoveryPath, { min: 0, max: 1 });
    check.number(recovery, 'finalRelativeThroughput', recoveryPath, { min: 0 });
    const disable = check.objectField(recovery, 'disable', recoveryPath);
    if (!disable) return;
    const disablePath = `${recoveryPath}.disable`;
    check.number(disable, 'simulatedMs', disablePath, { min: 0 });
    check.number(disable, 'lockHoldMaxMs', disablePath, { min: 0 });
    for (const key of ['tlbFlushes', 'sptesZapped', 'rmapEntriesScanned', 'lockYields', 'hugeInstalled']) {
      check.number(disable, key, disablePath, { integer: true, min: 0 });
    }
  });
}
