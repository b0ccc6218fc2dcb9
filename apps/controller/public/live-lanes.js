// Hosts as columns, one lane per variant: its VMs on the host they run on now, its migrations as bars
// spanning source and destination with their query-migrate progress, its crashed hosts marked.

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '—';
  const units = [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];
  for (const [unit, size] of units) if (Math.abs(bytes) >= size) return `${(bytes / size).toFixed(2)} ${unit}`;
  return `${bytes} B`;
}

const percent = (fraction) => `${(fraction * 100).toFixed(1)} %`;

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** What a migration is doing, in QEMU's words: `round 3`, `stop-and-copy`, `failed`, … */
export function migrationState(migration) {
  if (migration.status === 'pending') return 'pending';
  if (migration.status === 'retry-wait') return `waiting to retry (attempt ${migration.attempt} ${migration.outcome})`;
  if (migration.status === 'done') return migration.outcome;
  const phase = migration.phase;
  if (phase === null) return 'starting';
  return phase.round === null ? phase.phase : `${phase.phase} ${phase.round}`;
}

function migrationBar(migration, hosts) {
  const from = hosts.indexOf(migration.source);
  const to = hosts.indexOf(migration.destination);
  const bar = node('div', `migration migration-${migration.status} outcome-${migration.outcome}`);
  bar.style.gridColumn = `${Math.min(from, to) + 1} / ${Math.max(from, to) + 2}`;
  Object.assign(bar.dataset, { migration: migration.id, status: migration.status, outcome: migration.outcome, state: migrationState(migration) });
  const info = migration.info;
  const ram = info?.ram;
  const head = node('div', 'migration-head');
  head.append(node('strong', null, migration.id), node('span', 'route', ` ${migration.vm}: ${migration.source} ${from <= to ? '→' : '←'} ${migration.destination}`), node('span', 'migration-state', migrationState(migration)));
  if (migration.attempt > 1) head.append(node('span', 'attempt', `attempt ${migration.attempt}`));
  const progress = node('div', 'progress');
  const fill = node('div', 'progress-fill');
  if (ram !== undefined && ram.total > 0) fill.style.width = `${Math.max(0, Math.min(100, (1 - ram.remaining / ram.total) * 100)).toFixed(1)}%`;
  progress.append(fill);
  const stats = node('div', 'migration-stats');
  if (ram !== undefined) {
    bar.dataset.remaining = String(ram.remaining);
    bar.dataset.syncs = String(ram['dirty-sync-count']);
    const remaining = node('span', 'remaining', `ram.remaining ${formatBytes(ram.remaining)} of ${formatBytes(ram.total)}`);
    const rounds = node('span', 'rounds', `dirty-sync-count ${ram['dirty-sync-count']}`);
    stats.append(remaining, rounds, node('span', 'transferred', `ram.transferred ${formatBytes(ram.transferred)}`));
    if (info['expected-downtime'] !== undefined) stats.append(node('span', 'expected-downtime', `expected-downtime ${Math.round(info['expected-downtime']).toLocaleString('en-US')} ms`));
    if (ram.mbps > 0) stats.append(node('span', 'mbps', `${Math.round(ram.mbps).toLocaleString('en-US')} Mbps`));
  }
  bar.append(head, progress, stats);
  return bar;
}

function vmCard(vm, points) {
  const card = node('div', `vm${vm.lost ? ' lost' : ''}`);
  card.dataset.vm = vm.name;
  const last = points?.at(-1);
  card.append(node('strong', null, vm.name), node('span', 'vm-size', ` ${formatBytes(vm.memoryBytes)}, ${vm.vcpus} vCPU`));
  const facts = node('div', 'vm-facts');
  if (vm.lost) facts.append(node('span', 'badge outcome-failed', 'lost'));
  if (last !== undefined) {
    card.dataset.huge = String(last.hugeFraction);
    facts.append(node('span', 'huge', `huge ${percent(last.hugeFraction)}`), node('span', 'throughput', `throughput ${percent(last.relativeThroughput)}`));
    if (last.dirtyLogging) facts.append(node('span', 'badge dirty-logging', 'dirty logging'));
  }
  card.append(facts);
  return card;
}

/** Redraws every lane into `container`; `samples`: Map variant -> Map vm -> points. */
export function renderLanes(container, snapshot, samples) {
  const hosts = snapshot.hosts;
  container.style.gridTemplateColumns = `minmax(150px, 190px) repeat(${hosts.length}, minmax(180px, 1fr))`;
  const cells = [node('div', 'lane-corner', 'variant')];
  for (const host of hosts) cells.push(node('div', 'host-head', host));
  for (const variant of snapshot.variants) {
    const label = node('div', 'lane-label');
    const swatch = node('span', 'swatch');
    swatch.style.background = variant.color;
    label.append(swatch, node('strong', null, variant.name));
    if (variant.description) label.append(node('div', 'note', variant.description));
    label.dataset.variant = variant.name;
    cells.push(label);
    for (const host of hosts) {
      const spec = variant.hosts.find((candidate) => candidate.name === host);
      const cell = node('div', `host-cell${spec?.crashed ? ' crashed' : ''}`);
      Object.assign(cell.dataset, { variant: variant.name, host });
      if (spec !== undefined) {
        const head = node('div', 'host-kernel', `recovery: ${spec.recovery}`);
        if (spec.crashed) head.append(node('span', 'badge outcome-failed', 'crashed'));
        cell.append(head);
      }
      for (const vm of variant.vms.filter((candidate) => candidate.host === host)) cell.append(vmCard(vm, samples.get(variant.name)?.get(vm.name)));
      cells.push(cell);
    }
    const track = node('div', 'migration-track');
    track.dataset.variant = variant.name;
    track.style.gridColumn = `2 / ${hosts.length + 2}`;
    track.style.gridTemplateColumns = `repeat(${hosts.length}, 1fr)`;
    for (const migration of variant.migrations) track.append(migrationBar(migration, hosts));
    cells.push(node('div', 'lane-gap'), track);
  }
  container.replaceChildren(...cells);
}
