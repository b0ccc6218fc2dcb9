import { CHAOS_KIND_NAMES, formatDuration, formatRate, type ChaosKindSpec, type ChaosSpec } from '@migsim/scenario';
import type { Rng } from '../core/rng';
import { DRAW_RESOLUTION_NS, sampleCount, sampleDurationNs, sampleRate, exponential } from './sample-distribution';

/** A fault as a scenario file writes it under `faults:` (durations and rates as text, e.g. `12500ms`, `20MB/s`). */
export type FaultEntry = Record<string, unknown>;

const NS_PER_HOUR = 3600e9;

/** Where a drawn fault strikes: at a time on a host, or in a phase step of a migration. */
type Strike =
  | { type: 'host'; host: string; atNs: number }
  | { type: 'phase'; migration: string; phase: 'setup' | 'round' | 'stop-and-copy'; round: number | null; afterNs: number };

/**
 * Draws a run's fault schedule from a chaos section: plain fault entries,
 * run as if the file listed them after its own faults.
 *
 * Every draw comes from a named fork of `rng` (`swarm:<kind>`, `kind:<kind>`,
 * then `host:<name>` or `migration:<id>`), never from a sibling's draws: adding
 * a host, a migration or a kind changes nobody else's faults, and every
 * variant of one seed (the caller forks `chaos` from the run's seed, not from
 * the variant) draws the same schedule from the same section.
 *
 * - per host-hour: a Poisson process on each target host within the chaos
 *   window (exponential gaps of mean 1/rate), each event a fault `at` a whole
 *   millisecond on that host (its whole NIC for link faults; for a latency
 *   spike, its path to another host drawn uniformly);
 * - per round: for each target migration and each phase step it may go
 *   through (setup, rounds 1..rounds, stop-and-copy, as `phases` allow), the
 *   fault strikes with probability `perRound`, `after` the step starts, with
 *   `when: { migration, phase, round }` (its destination, its path);
 * - destination-unavailable: with probability `probability` per migration,
 *   its destination crashes as it enters setup;
 * - swarm: each kind is on with probability 1/2 for this seed.
 */
export function drawChaos(chaos: ChaosSpec, horizonNs: number, rng: Rng): FaultEntry[] {
  const entries: FaultEntry[] = [];
  for (const name of CHAOS_KIND_NAMES) {
    const kind = chaos.kinds.find((candidate) => candidate.kind === name);
    if (kind === undefined) continue;
    if (chaos.swarm && rng.fork(`swarm:${name}`).next() >= 0.5) continue;
    const kindRng = rng.fork(`kind:${name}`);
    if (kind.perHostHour > 0) {
      for (const host of kind.hosts) {
        const hostRng = kindRng.fork(`host:${host}`);
        const ratePerNs = kind.perHostHour / NS_PER_HOUR;
        for (let tNs = chaos.fromNs + exponential(1 / ratePerNs, hostRng); tNs < chaos.untilNs; tNs += exponential(1 / ratePerNs, hostRng)) {
          const atNs = Math.max(chaos.fromNs, Math.floor(tNs / DRAW_RESOLUTION_NS) * DRAW_RESOLUTION_NS);
          entries.push(...faultsAt(kind, { type: 'host', host, atNs }, hostRng, chaos, horizonNs));
        }
      }
    }
    if (kind.perRound > 0) {
      for (const migration of kind.migrations) {
        const migrationRng = kindRng.fork(`migration:${migration}`);
        for (const step of phaseSteps(kind)) {
          if (migrationRng.next() >= kind.perRound) continue;
          const afterNs = sampleDurationNs(kind.afterNs, migrationRng);
          entries.push(...faultsAt(kind, { type: 'phase', migration, ...step, afterNs }, migrationRng, chaos, horizonNs));
        }
      }
    }
  }
  return entries;
}

function phaseSteps(kind: ChaosKindSpec): { phase: 'setup' | 'round' | 'stop-and-copy'; round: number | null }[] {
  const steps: { phase: 'setup' | 'round' | 'stop-and-copy'; round: number | null }[] = [];
  if (kind.phases.includes('setup')) steps.push({ phase: 'setup', round: null });
  if (kind.phases.includes('round')) for (let round = 1; round <= kind.rounds; round++) steps.push({ phase: 'round', round });
  if (kind.phases.includes('stop-and-copy')) steps.push({ phase: 'stop-and-copy', round: null });
  return steps;
}

/** The entries one strike of `kind` makes (several for a flap episode). */
function faultsAt(kind: ChaosKindSpec, strike: Strike, rng: Rng, chaos: ChaosSpec, horizonNs: number): FaultEntry[] {
  const description = `chaos ${kind.kind}${strike.type === 'host' ? ' (per host-hour)' : strike.type === 'phase' && kind.kind !== 'destination-unavailable' ? ' (per round)' : ''}`;
  switch (kind.kind) {
    case 'host-crash':
    case 'destination-unavailable':
      return [{ kind: 'destination-crash', ...where(strike), duration: formatDuration(sampleDurationNs(kind.downForNs, rng)), description }];
    case 'link-down':
      return [{ kind: 'link-down', ...where(strike), duration: formatDuration(sampleDurationNs(kind.durationNs, rng)), description }];
    case 'bandwidth-drop': {
      const bandwidth = formatRate(sampleRate(kind.bandwidthBytesPerSec, rng));
      return [{ kind: 'bandwidth-drop', ...where(strike), bandwidth, duration: formatDuration(sampleDurationNs(kind.durationNs, rng)), description }];
    }
    case 'latency-spike': {
      let target: Record<string, unknown>;
      if (strike.type === 'host') {
        const peers = chaos.hosts.filter((host) => host !== strike.host);
        if (peers.length === 0) return [];
        target = { from: strike.host, to: peers[rng.int(0, peers.length - 1)]!, at: formatDuration(strike.atNs) };
      } else {
        target = where(strike);
      }
      const latency = formatDuration(sampleDurationNs(kind.latencyNs, rng));
      return [{ kind: 'latency', ...target, latency, duration: formatDuration(sampleDurationNs(kind.durationNs, rng)), description }];
    }
    case 'cancel':
      return [{ kind: 'migration-cancel', ...where(strike), description }];
    case 'link-flap': {
      const flaps = sampleCount(kind.flaps, rng);
      const entries: FaultEntry[] = [];
      let offsetNs = 0;
      for (let flap = 1; flap <= flaps; flap++) {
        const downNs = sampleDurationNs(kind.downNs, rng);
        const shifted: Strike = strike.type === 'host' ? { ...strike, atNs: strike.atNs + offsetNs } : { ...strike, afterNs: strike.afterNs + offsetNs };
        if (shifted.type === 'host' && shifted.atNs >= horizonNs) break;
        entries.push({ kind: 'link-down', ...where(shifted), duration: formatDuration(downNs), description: `${description}, outage ${flap} of ${flaps}` });
        offsetNs += downNs + sampleDurationNs(kind.upNs, rng);
      }
      return entries;
    }
  }
}

/** `host` + `at`, or `when` (the migration's destination or path is the default target). */
function where(strike: Strike): Record<string, unknown> {
  if (strike.type === 'host') return { host: strike.host, at: formatDuration(strike.atNs) };
  const when: Record<string, unknown> = { migration: strike.migration, phase: strike.phase };
  if (strike.round !== null) when['round'] = strike.round;
  if (strike.afterNs > 0) when['after'] = formatDuration(strike.afterNs);
  return { when };
}
