#!/usr/bin/env node
// Launcher for the migsim CLI. The workspace runs its TypeScript sources
// directly (no build step): node is started with tsx as its loader and the
// `development` export condition, which points every @migsim/* package at src/.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsxLoader = require.resolve('tsx');

// A simulation allocates many short-lived objects per event (page batches,
// messages): a 128 MiB young generation (V8's semi-space, 16 MiB by default)
// lets them die there instead of being promoted and collected by full GCs.
// On the 1,000-host drain study (1,000 page-accurate migrations) 64 MiB took
// the run from 28-30 s of CPU to 18 s; on the 2,000-host one (2,000
// migrations, 100 at once, a heap of 200+ MiB whose scavenges cost 20-45 ms
// each at 64 MiB) 128 MiB took it from 76 s of CPU to 53 s, GC from 7.7 s to
// 3.3 s, with a lower peak RSS; 256 MiB gained nothing more (see the Load
// studies section of README.md). Every node process that steps actors gets
// the same flag: bench:study's and bench:engine's, the services'.
const NODE_FLAGS = ['--max-semi-space-size=128'];

const child = spawn(
  process.execPath,
  [...NODE_FLAGS, '--conditions=development', '--import', tsxLoader, main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
