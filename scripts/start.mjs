#!/usr/bin/env node
// Runs the flagship scenario through the distributed services:
//   finds or starts Redis (libs/transport resolveRedis: REDIS_URL, else a
//   private redis-server, else testcontainers), starts the controller, N
//   source-host workers (shards source-0..) for the hosts that hold the
//   scenario's VMs and N destination-host workers (destination-0..) for the
//   others, as separate processes, submits
//   scenarios/failed-migration-recovery.yaml (or the scenario given; POST
//   /runs), follows the run's live events (SSE), prints the same comparison
//   as `migsim simulate` and writes out/services-<name>.json and .html — the
//   JSON equal to the engine's report but for `engine` and `execution` —
//   then stops everything it started.
//
// Usage: node scripts/start.mjs [scenario.yaml] [--speed 40x|max] [--workers N]
//   --speed    virtual seconds per wall second (default 40x, for watching the
//              live page); `max` runs as fast as the processes go
//   --workers  host workers per role (default 1)
// Environment: REDIS_URL (use this Redis instead of starting one),
//   MIGSIM_API_TOKEN (the controller's API token, which this script then
//   submits with), MIGSIM_VERBOSE=1 (the services' own output).
//
// Every child runs in its own process group; on exit, Ctrl-C (SIGINT),
// SIGTERM or SIGHUP each group gets SIGTERM, then SIGKILL after 5 s, so
// nothing is left behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** How long the services may take to start (the controller listening, every shard served). */
const START_TIMEOUT_MS = 90_000;

// Stage 1: re-run under tsx with the `development` condition so the
// workspace's TypeScript libraries (@migsim/*) load from src/.
if (!process.execArgv.includes('--conditions=development')) {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: root,
  });
  // The inner process handles the signal (it owns the children); the outer one only waits for it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
} else {
  await main();
}

async function main() {
  const { resolveRedis, RedisUnavailableError } = await import('@migsim/transport');
  const { parseReport, renderHtml, renderJson, renderText } = await import('@migsim/report');
  const { loadScenario } = await import('@migsim/scenario');

  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`start: ${options}\nUsage: npm start -- [scenario.yaml] [--speed 40x|max] [--workers N]\n`);
    process.exitCode = 2;
    return;
  }
  const { scenarioFile, speed, workers } = options;
  const name = basename(scenarioFile).replace(/\.(ya?ml|json)$/, '');
  const children = [];
  let redis;
  let stopping;

  const stopAll = (reason) => {
    stopping ??= (async () => {
      if (reason) process.stderr.write(`start: ${reason}; stopping the services\n`);
      await Promise.all(children.map((child) => stopGroup(child)));
      await redis?.stop();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => void stopAll(`${signal} received`).then(() => process.exit(130)));
  }
  process.on('exit', () => {
    // Last resort (e.g. an uncaught error): no group outlives us.
    for (const child of children) killGroup(child, 'SIGKILL');
  });

  try {
    // Read and check the scenario before anything starts: a bad file is reported alone.
    if (!existsSync(resolve(root, scenarioFile))) throw new Error(`${scenarioFile}: no such file; expected a scenario file such as scenarios/failed-migration-recovery.yaml`);
    const text = readFileSync(resolve(root, scenarioFile), 'utf8');
    loadScenario(text, scenarioFile);
    try {
      redis = await resolveRedis({});
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      process.stderr.write(`start: ${error.message}\n\n`);
      process.stderr.write(`The in-process engine needs no Redis and gives the same report schema:\n  npx migsim simulate ${scenarioFile} --out out/${name}.json --html out/${name}.html\n`);
      process.exitCode = 1;
      return;
    }
    const namespace = `start-${process.pid}`;
    const sourceShards = Array.from({ length: workers }, (_, i) => `source-${i}`);
    const destinationShards = Array.from({ length: workers }, (_, i) => `destination-${i}`);
    process.stderr.write(`start: Redis ${redis.url} (${redis.source}), namespace ${namespace}, speed ${speed === 'max' ? 'max' : `${speed}x`}, ${workers} worker(s) per role\n`);
    const env = {
      ...process.env,
      REDIS_URL: redis.url,
      MIGSIM_NAMESPACE: namespace,
      MIGSIM_SPEED: speed,
      MIGSIM_SOURCE_SHARDS: sourceShards.join(','),
      MIGSIM_DESTINATION_SHARDS: destinationShards.join(','),
      PORT: '0',
    };

    const controller = startService('controller', [], env, children);
    for (const shard of sourceShards) startService('source-host', ['--shards', shard], env, children);
    for (const shard of destinationShards) startService('destination-host', ['--shards', shard], env, children);
    const url = await controllerUrl(controller);
    // Generous: on a busy machine tsx takes a while to load each service's sources (a worker that exits says so at once).
    await waitFor(async () => (await getJson(`${url}/shards`)).every((shard) => shard.served), START_TIMEOUT_MS, `host workers to serve ${[...sourceShards, ...destinationShards].join(', ')}`);

    // The controller inherits MIGSIM_API_TOKEN from this environment: submit with it.
    const authorization = process.env.MIGSIM_API_TOKEN ? { authorization: `Bearer ${process.env.MIGSIM_API_TOKEN}` } : {};
    const created = await fetch(`${url}/runs?file=${encodeURIComponent(scenarioFile)}`, { method: 'POST', body: text, headers: { 'content-type': 'application/yaml', ...authorization } });
    const run = await created.json();
    if (created.status !== 201) throw new Error(`the controller refused the scenario:\n${(run.problems ?? [run.message]).join('\n')}`);
    process.stderr.write(`start: run ${run.id} submitted to ${url}\n`);

    const follow = followEvents(`${url}/events?run=${run.id}`);
    await waitFor(async () => {
      const state = await getJson(`${url}/runs/${run.id}`);
      if (state.status === 'failed') throw new Error(`run ${run.id} failed: ${state.error}`);
      return state.status === 'completed';
    }, 15 * 60_000, `run ${run.id} to complete`);
    follow.abort();

    const report = parseReport(JSON.stringify(await getJson(`${url}/runs/${run.id}/report`)), `${url}/runs/${run.id}/report`);
    process.stdout.write(renderText(report, { color: Boolean(process.stdout.isTTY) }));
    mkdirSync(join(root, 'out'), { recursive: true });
    const jsonPath = `out/services-${name}.json`;
    const htmlPath = `out/services-${name}.html`;
    writeFileSync(join(root, jsonPath), renderJson(report));
    writeFileSync(join(root, htmlPath), renderHtml(report));
    process.stdout.write(`report: ${jsonPath}\nhtml: ${htmlPath}\n`);
    const failed = report.summary.checks.failed;
    process.exitCode = failed > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`start: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

/** The scenario, `--speed` (`40x`, `40` or `max`) and `--workers`; a string says what is wrong. */
function parseArgs(args) {
  let scenarioFile;
  let speed = '40';
  let workers = 1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--speed') {
      const value = args[++i] ?? '';
      if (value === 'max') speed = 'max';
      else if (/^\d+(\.\d+)?x?$/.test(value) && Number(value.replace(/x$/, '')) > 0) speed = value.replace(/x$/, '');
      else return `--speed: expected a factor such as 40x, or max, got ${JSON.stringify(value)}`;
    } else if (arg === '--workers') {
      const value = args[++i] ?? '';
      if (!/^[1-9]\d?$/.test(value)) return `--workers: expected a whole number from 1 to 99, got ${JSON.stringify(value)}`;
      workers = Number(value);
    } else if (arg.startsWith('--')) {
      return `unknown option ${arg}`;
    } else if (scenarioFile === undefined) {
      scenarioFile = arg;
    } else {
      return `one scenario file at a time (got ${scenarioFile} and ${arg})`;
    }
  }
  return { scenarioFile: scenarioFile ?? 'scenarios/failed-migration-recovery.yaml', speed, workers };
}

function startService(app, args, env, children) {
  // The services step the same actors as `migsim simulate`, so they get its
  // 128 MiB young generation (apps/cli/bin/migsim.mjs says why).
  const child = spawn(process.execPath, ['--max-semi-space-size=128', '--conditions=development', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: join(root, 'apps', app),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.label = app;
  // Always drain both pipes: a child blocked on a full pipe would stall its simulation.
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      if (process.env.MIGSIM_VERBOSE) process.stderr.write(chunk);
    });
  }
  child.on('exit', (code, signal) => {
    if (!child.stopping) process.stderr.write(`start: ${app} exited unexpectedly (${signal ?? code})\n`);
  });
  children.push(child);
  return child;
}

function controllerUrl(child) {
  return new Promise((resolveUrl, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the controller did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', () => reject(new Error('the controller exited before listening')));
  });
}

function followEvents(url) {
  const controller = new AbortController();
  const interesting = new Set(['migration-started', 'fault', 'migration-failed', 'migration-completed', 'migration-aborted', 'recovery-started', 'run-completed']);
  void (async () => {
    try {
      const response = await fetch(url, { signal: controller.signal });
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6));
          if (!interesting.has(event.kind)) continue;
          const at = event.tMs === undefined ? '' : `${(event.tMs / 1000).toFixed(1).padStart(7)} s  `;
          process.stderr.write(`  ${at}${(event.variant ?? '').padEnd(17)} ${event.kind} ${event.subject ?? ''} ${event.detail ?? ''}\n`);
        }
      }
    } catch {
      // Aborted when the run completed, or the controller went away: polling decides.
    }
  })();
  return controller;
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

async function waitFor(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      if (/failed:|refused/.test(error.message)) throw error;
      lastError = error;
    }
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stopping = true;
  const exited = new Promise((done) => child.once('exit', done));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
