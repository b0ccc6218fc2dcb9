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

const child = spawn(
  process.execPath,
  ['--conditions=development', '--import', tsxLoader, main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
