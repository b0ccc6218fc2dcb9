// One migsim run of the bench:study study in a process of its own, so its
// peak resident set is its own: prints one JSON line.
//   npx tsx --conditions=development libs/sim/bench/study/run-migsim.ts small|large
import { parseScenarioObject } from '@migsim/scenario';
import { renderJson } from '@migsim/report';
import { simulate, type WorldRunStats } from '../../src/index';
import { studyDocument, type StudySize } from './study-document';

const size = (process.argv[2] ?? 'small') as StudySize;
const loadStart = performance.now();
const scenario = parseScenarioObject(studyDocument(size), `bench-study-${size}`);
const loadMs = performance.now() - loadStart;
const start = performance.now();
const cpuStart = process.cpuUsage();
let stats: WorldRunStats | undefined;
// The CLI's progress callback (a no-op here): the run takes the path `migsim simulate` takes.
const report = simulate(scenario, { onProgress: () => undefined, onStats: (_variant, run) => (stats = run) });
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const variant = report.variants[0]!;
const study = report.summary.variants[0]!.study!;
const result = {
  size,
  loadMs,
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  // The kernel's peak resident set of this process (getrusage's ru_maxrss, KiB).
  rssMiB: process.resourceUsage().maxRSS / 1024,
  migrations: variant.migrations.length,
  completed: variant.migrations.filter((m) => m.outcome === 'completed').length,
  makespanS: (study.makespanMs ?? NaN) / 1000,
  totalTimeS: { p50: study.totalTimeMs.p50! / 1000, max: study.totalTimeMs.max! / 1000, mean: study.totalTimeMs.mean! / 1000 },
  // The engine's work: actor steps, windows, messages (page batches are the lazy ones).
  engine: stats,
  failedChecks: variant.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`),
  reportBytes: process.argv.includes('--report-size') ? renderJson(report).length : undefined,
  moves: variant.migrations.map((m) => `${m.vm}>${m.destination}`),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
