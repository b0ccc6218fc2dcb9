#!/usr/bin/env node
// The services' container health check (slim node images have no curl):
//   node healthcheck.mjs --http /health            GET http://127.0.0.1:$PORT/health answers 2xx (controller)
//   node healthcheck.mjs --file PATH --max-age-ms N PATH was touched within N ms (hosts: each heartbeat
//                                                  period's round trip to Redis touches it)
// Exit 0 healthy, 1 unhealthy, with one line saying why.
import { statSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

function fail(reason) {
  process.stdout.write(`unhealthy: ${reason}\n`);
  process.exit(1);
}

const path = option('--http');
const file = option('--file');
if (path !== undefined) {
  const url = `http://127.0.0.1:${process.env.PORT || 8080}${path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) fail(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    process.stdout.write(`healthy: ${url} answered ${response.status}\n`);
  } catch (error) {
    fail(`${url}: ${error.cause?.message ?? error.message}`);
  }
} else if (file !== undefined) {
  const maxAgeMs = Number(option('--max-age-ms') ?? 5_000);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) fail(`${file} does not exist yet (no round trip to Redis so far)`);
  const ageMs = Date.now() - stat.mtimeMs;
  if (ageMs > maxAgeMs) fail(`${file} was last touched ${Math.round(ageMs)} ms ago (limit ${maxAgeMs} ms)`);
  process.stdout.write(`healthy: ${file} touched ${Math.round(ageMs)} ms ago\n`);
} else {
  fail('usage: healthcheck.mjs --http PATH | --file PATH [--max-age-ms N]');
}
