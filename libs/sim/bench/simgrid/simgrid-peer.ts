import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSimgridStudy, runProcess } from './simgrid-build';
import { SimgridPeerError } from './simgrid-peer-error';
import { formatSimgridStudy } from './study-file';
import type { SimgridStudy } from './study-file';

export type { SimgridCreatedVms, SimgridStudy } from './study-file';
export { SimgridPeerError } from './simgrid-peer-error';
export type { SimgridPeerErrorCode } from './simgrid-peer-error';

export interface SimgridStudyResult {
  /** Wall time of the simulation run alone (the compile is cached and not counted). */
  wallMs: number;
  /** User + system CPU time of the simulation process (from /usr/bin/time; null without it). */
  cpuMs: number | null;
  /** Peak resident set of the simulation process. */
  rssMiB: number;
  /** VMs SimGrid created: every VM of the study, or only the migrating ones (`createdVms`). */
  createdVms: number;
  simulatedMakespanS: number;
  migrations: number;
  /** Simulated duration of each migration, from `sg_vm_migrate` call to return. */
  perMigration: { minS: number; maxS: number; meanS: number };
  simgridVersion: string;
}

const TIME_BINARY = '/usr/bin/time';

/**
 * Runs one drain study in SimGrid's VM live-migration plugin: compiles
 * study.cpp once (cached under the OS temp directory), writes the study file
 * into `workDir` (a fresh temp directory by default, removed afterwards) and
 * runs the binary, measuring its wall time and peak RSS.
 */
export async function runSimgridStudy(
  study: SimgridStudy,
  options: { workDir?: string } = {},
): Promise<SimgridStudyResult> {
  const studyText = formatSimgridStudy(study);
  const { binaryPath, simgridVersion } = await buildSimgridStudy();

  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'migsim-simgrid-run-'));
  mkdirSync(workDir, { recursive: true });
  try {
    const studyPath = join(workDir, 'study.txt');
    writeFileSync(studyPath, studyText);
    return { ...(await runBinary(binaryPath, studyPath, workDir)), simgridVersion };
  } finally {
    if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
}

async function runBinary(
  binaryPath: string,
  studyPath: string,
  workDir: string,
): Promise<Omit<SimgridStudyResult, 'simgridVersion'>> {
  const rssPath = join(workDir, 'max-rss-kib.txt');
  const useTime = existsSync(TIME_BINARY);
  const [command, args] = useTime
    ? [TIME_BINARY, ['-f', '%U %S\n%M', '-o', rssPath, binaryPath, studyPath]]
    : [binaryPath, [studyPath]];

  const startMs = performance.now();
  const result = await runProcess(command, args);
  const wallMs = performance.now() - startMs;

  if (result.exitCode !== 0) {
    const status = result.signal === null ? `exit ${result.exitCode}` : `signal ${result.signal}`;
    throw new SimgridPeerError('SIMGRID_RUN_FAILED', `${binaryPath} ${studyPath} failed (${status}):\n${result.stderr.trim()}`);
  }
  const output = parseOutput(result.stdout, binaryPath);
  const timeText = useTime ? readFileSync(rssPath, 'utf8') : '';
  const rssKiB = useTime ? lastInteger(timeText) : selfReportedRssKiB(result.stderr);
  const cpu = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/m.exec(timeText);
  const cpuMs = cpu === null ? null : (Number(cpu[1]) + Number(cpu[2])) * 1000;
  if (rssKiB === undefined) {
    throw new SimgridPeerError('SIMGRID_BAD_OUTPUT', `no peak RSS reported for ${binaryPath}`);
  }
  return { wallMs, cpuMs, rssMiB: rssKiB / 1024, ...output };
}

function parseOutput(
  stdout: string,
  binaryPath: string,
): Pick<SimgridStudyResult, 'createdVms' | 'migrations' | 'simulatedMakespanS' | 'perMigration'> {
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  const bad = (expected: string) =>
    new SimgridPeerError('SIMGRID_BAD_OUTPUT', `${binaryPath}: last stdout line ${JSON.stringify(lastLine)}: expected ${expected}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastLine);
  } catch {
    throw bad('one JSON object');
  }
  const value = parsed as {
    createdVms?: unknown;
    migrations?: unknown;
    simulatedMakespanS?: unknown;
    perMigration?: { minS?: unknown; maxS?: unknown; meanS?: unknown };
  };
  const numbers = [
    value.createdVms,
    value.migrations,
    value.simulatedMakespanS,
    value.perMigration?.minS,
    value.perMigration?.maxS,
    value.perMigration?.meanS,
  ];
  if (!numbers.every((n): n is number => typeof n === 'number' && Number.isFinite(n))) {
    throw bad('finite numbers in createdVms, migrations, simulatedMakespanS and perMigration.{minS,maxS,meanS}');
  }
  const [createdVms, migrations, simulatedMakespanS, minS, maxS, meanS] = numbers as number[];
  return { createdVms, migrations, simulatedMakespanS, perMigration: { minS, maxS, meanS } };
}

function lastInteger(text: string): number | undefined {
  const lines = text.trim().split('\n');
  const value = Number(lines.at(-1));
  return Number.isInteger(value) ? value : undefined;
}

/** study.cpp prints `study: peak-rss-kib N` (getrusage) on stderr. */
function selfReportedRssKiB(stderr: string): number | undefined {
  const match = /study: peak-rss-kib (\d+)/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}
