// The live page: follows a run over the controller's SSE stream (GET /events). A snapshot
// (GET /runs/:id/live) draws what already happened; migration-progress and vm-samples events patch it
// in place, any actor event of the run fetches a fresh snapshot (without samples) at once, and so does
// run-progress (each window of virtual time) at most every REFRESH_EVERY_MS: the snapshot holds the
// controllers' records, so whatever changed in a window shows without the page knowing every event kind.
import { askTokenWithDialog, createApi } from './live-api.js';
import { renderCharts } from './live-charts.js';
import { ACTOR_EVENT_KINDS, RUN_REFRESH_KINDS } from './live-events.js';
import { renderFeed, renderQueues } from './live-feed.js';
import { wireInjectForm } from './live-inject.js';
import { renderLanes } from './live-lanes.js';

const REFRESH_EVERY_MS = 250;
const QUEUES_EVERY_MS = 1_000;
const DRAW_EVERY_MS = 100;
const CHARTS_EVERY_MS = 250;

const $ = (id) => document.getElementById(id);
const pinned = new URLSearchParams(location.search).get('run');
const state = { runId: null, snapshot: null, fetchedAt: 0, samples: new Map(), chartsDrawnAt: 0, drawnAt: 0, timer: 0, refreshing: null, refreshAgain: false, refreshTimer: 0 };

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.json();
}

function addSamples(variant, vm, points) {
  let vms = state.samples.get(variant);
  if (vms === undefined) state.samples.set(variant, (vms = new Map()));
  const timeline = vms.get(vm) ?? [];
  let lastMs = timeline.at(-1)?.tMs ?? -Infinity;
  for (const point of points) {
    if (point.tMs <= lastMs) continue;
    timeline.push(point);
    lastMs = point.tMs;
  }
  vms.set(vm, timeline);
}

/** The run's snapshot; with samples the first time (or after a reconnect), without afterwards. */
async function refresh(withSamples) {
  if (state.runId === null) return;
  if (state.refreshing !== null) {
    state.refreshAgain = true;
    return;
  }
  const id = state.runId;
  state.refreshing = getJson(`/runs/${encodeURIComponent(id)}/live${withSamples ? '' : '?samples=false'}`)
    .then((snapshot) => {
      if (state.runId !== id) return;
      state.snapshot = snapshot;
      state.fetchedAt = performance.now();
      for (const variant of snapshot.variants) for (const [vm, points] of Object.entries(variant.samples ?? {})) addSamples(variant.name, vm, points);
      scheduleDraw(true);
    })
    .catch((error) => console.warn(`live page: ${error.message}`))
    .finally(() => {
      state.refreshing = null;
      if (state.refreshAgain) {
        state.refreshAgain = false;
        void refresh(false);
      }
    });
}

/** A snapshot without samples within REFRESH_EVERY_MS (run-progress comes with every window: hundreds a second unpaced). */
function refreshSoon() {
  if (state.refreshTimer !== 0) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = 0;
    void refresh(false);
  }, REFRESH_EVERY_MS);
}

async function follow(id) {
  state.runId = id;
  state.snapshot = null;
  state.samples = new Map();
  $('run-select').value = id;
  await refresh(true);
}

async function loadRuns() {
  const runs = await getJson('/runs');
  runs.sort((a, b) => a.createdAtMs - b.createdAtMs);
  const select = $('run-select');
  select.replaceChildren(
    ...runs.map((run) => {
      const option = document.createElement('option');
      option.value = run.id;
      option.textContent = `${run.id} — ${run.scenario} (${run.status})`;
      return option;
    }),
  );
  const wanted = pinned ?? (runs.findLast((run) => run.status === 'running') ?? runs.at(-1))?.id ?? null;
  if (wanted !== null && wanted !== state.runId) await follow(wanted);
}

function simulatedNowMs() {
  const snapshot = state.snapshot;
  if (snapshot === null) return 0;
  if (snapshot.run.status !== 'running') return snapshot.run.horizonMs;
  return Math.min(snapshot.run.horizonMs, snapshot.run.simulatedMs + (performance.now() - state.fetchedAt) * snapshot.run.speed);
}

function draw(force) {
  state.timer = 0;
  state.drawnAt = performance.now();
  const snapshot = state.snapshot;
  if (snapshot === null) return;
  const run = snapshot.run;
  const nowMs = simulatedNowMs();
  // speed 0: an unpaced run (MIGSIM_SPEED=max), as fast as the processes go.
  const pace = run.speed > 0 ? `${run.speed}x` : 'unpaced';
  $('run-line').textContent = `${run.scenario}${run.description ? ` — ${run.description}` : ''} · ${run.id} · ${run.status}${run.error ? `: ${run.error}` : ''} · ${pace}`;
  document.body.dataset.runStatus = run.status;
  $('clock-bar').style.width = `${((nowMs / run.horizonMs) * 100).toFixed(2)}%`;
  $('clock-text').textContent = `t = ${(nowMs / 1000).toFixed(1)} s of ${(run.horizonMs / 1000).toFixed(0)} s simulated`;
  renderLanes($('lanes'), snapshot, state.samples);
  updateInjectForm();
  renderFeed($('feed'), snapshot);
  if (force || performance.now() - state.chartsDrawnAt >= CHARTS_EVERY_MS) {
    state.chartsDrawnAt = performance.now();
    renderCharts($('charts'), snapshot, state.samples, nowMs);
  }
  if (run.status === 'running') scheduleDraw(false);
}

/** Draws at most every DRAW_EVERY_MS (progress events arrive far more often), at once when forced. */
function scheduleDraw(force) {
  if (state.timer !== 0) {
    if (!force) return;
    clearTimeout(state.timer);
  }
  const waitMs = force ? 0 : Math.max(0, DRAW_EVERY_MS - (performance.now() - state.drawnAt));
  state.timer = setTimeout(() => requestAnimationFrame(() => draw(force)), waitMs);
}

function onProgress(data) {
  const variant = state.snapshot?.variants.find((candidate) => candidate.name === data.variant);
  const migration = variant?.migrations.find((candidate) => candidate.id === data.migration);
  if (migration === undefined || migration.attempt !== data.attempt) return;
  migration.info = data.info;
  if (data.phase !== undefined) migration.phase = { phase: data.phase, round: data.round ?? null };
  scheduleDraw(false);
}

function connect() {
  const source = new EventSource('/events');
  const connection = $('connection');
  source.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.className = 'badge outcome-completed';
    // Anything missed while disconnected comes back with a full snapshot.
    void loadRuns().then(() => refresh(true)).catch((error) => console.warn(`live page: ${error.message}`));
  });
  source.addEventListener('error', () => {
    connection.textContent = 'reconnecting';
    connection.className = 'badge outcome-cancelled';
  });
  const ofRun = (handler) => (message) => {
    const data = JSON.parse(message.data);
    if (data.run === state.runId) handler(data);
  };
  source.addEventListener('migration-progress', ofRun(onProgress));
  source.addEventListener('run-progress', ofRun(refreshSoon));
  source.addEventListener('run-created', () => {
    if (pinned === null) void loadRuns().catch((error) => console.warn(`live page: ${error.message}`));
  });
  source.addEventListener(
    'vm-samples',
    ofRun((data) => {
      for (const vm of data.vms) addSamples(vm.variant, vm.vm, vm.points);
      scheduleDraw(false);
    }),
  );
  // Whatever an actor logged, a run's end and an injected fault: the snapshot has what changed.
  for (const kind of [...ACTOR_EVENT_KINDS, ...RUN_REFRESH_KINDS]) {
    source.addEventListener(kind, ofRun(() => void refresh(false)));
  }
}

async function pollQueues() {
  try {
    renderQueues($('queues'), $('dead-letters'), await getJson('/live/queues'));
  } catch (error) {
    $('dead-letters').textContent = `queue counts unavailable: ${error.message}`;
  }
  setTimeout(pollQueues, QUEUES_EVERY_MS);
}

const send = createApi({ fetch: (path, init) => fetch(path, init), storage: sessionStorage, askToken: askTokenWithDialog($('token-dialog')) });

/** A line under the header: what became of a submission or an injected fault. */
function say(text, bad) {
  const status = $('submit-status');
  status.hidden = false;
  status.textContent = text;
  status.classList.toggle('bad', bad);
}

const updateInjectForm = wireInjectForm($('inject-form'), { send, current: () => state.snapshot, say });

/** POST /runs with the chosen file; the page then follows the new run (unless pinned with ?run=). */
async function submitScenario(file) {
  say(`submitting ${file.name}…`, false);
  try {
    const response = await send(`/runs?file=${encodeURIComponent(file.name)}`, { method: 'POST', body: await file.text(), headers: { 'content-type': 'text/plain' } });
    const body = await response.json().catch(() => ({}));
    if (response.status === 201) {
      say(`${file.name}: run ${body.id} submitted`, false);
      await loadRuns();
      if (pinned === null) await follow(body.id);
    } else if (response.status === 401) {
      say(`${file.name} was not submitted: ${body.message ?? 'the controller needs its API token'}`, true);
    } else {
      say(`${file.name} was refused (HTTP ${response.status}):\n${(body.problems ?? [body.message ?? '']).join('\n')}`, true);
    }
  } catch (error) {
    say(`${file.name} was not submitted: ${error.message}`, true);
  }
}

$('scenario-file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (file !== undefined) void submitScenario(file);
});
$('run-select').addEventListener('change', (event) => void follow(event.target.value));
connect();
void pollQueues();
