#!/usr/bin/env node
// Runs every benchmark with --json and prints their results as one JSON
// object on the last line: {"mmu":{…},"migration":{…},"engine":{…},"study":{…},"services":{…},"sweep":{…},"pass":…}.
// Usage: npm run bench [-- mmu migration engine]
import { spawnSync } from 'node:child_process';

const BENCHES = {
  mmu: 'libs/mmu/bench/mmu.bench.ts',
  migration: 'libs/migration/bench/migration.bench.ts',
  engine: 'libs/sim/bench/engine.bench.ts',
  study: 'libs/sim/bench/study.bench.ts',
  services: 'test/e2e/bench/services.bench.ts',
  sweep: 'apps/cli/bench/sweep.bench.ts',
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results = {};
let pass = true;
for (const name of names) {
  console.error(`== bench ${name}`);
  // bench:engine runs simulate() in its own process: the migsim CLI's young generation (apps/cli/bin/migsim.mjs).
  const run = spawnSync(process.execPath, ['--max-semi-space-size=128', '--conditions=development', '--import', 'tsx', BENCHES[name], '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout.trim().split('\n');
  for (const line of lines.slice(0, -1)) console.error(line);
  try {
    results[name] = JSON.parse(lines.at(-1) ?? '');
  } catch {
    results[name] = { error: `no JSON result (exit ${run.status})` };
  }
  if (run.status !== 0 || results[name].pass === false) pass = false;
}
console.log(JSON.stringify({ ...results, pass }));
process.exit(pass ? 0 : 1);
