import { toMigrationPolicy } from '@migsim/scenario';
import type { CheckResult } from '@migsim/report';
import { NS_PER_MS } from '../constants';
import type { LocalCheckOutcome, TransferFact } from '../host/host-facts';
import { staysOf, type RunFacts } from './run-facts';

interface Verdict {
  passed: boolean;
  detail: string;
  firstViolationNs?: number;
}

/**
 * The safety invariants, judged once over the whole run from what the
 * actors recorded (the same facts in the engine and over the services):
 *
 * - `vm-never-lost`: no VM ever executes on two hosts at once, every VM
 *   lives on some host at every moment (unless it was lost, which the host
 *   that lost it must explain: a post-copy that failed without recovery),
 *   and each host's own check that a lost VM says why held after every step;
 * - `memory-equal-at-switchover`: every destination found the source's
 *   page versions at switchover (libs/migration's digest);
 * - `dirty-logging-off-after-failure`: each host's check after every step
 *   that no VM keeps dirty logging on with nothing needing it;
 * - `admission-caps`: the attempts the sources actually ran never exceeded
 *   the cluster, outbound or inbound caps at any moment.
 */
export function judgeInvariants(facts: RunFacts): CheckResult[] {
  const results: [string, Verdict][] = [
    ['vm-never-lost', vmNeverLost(facts)],
    ['memory-equal-at-switchover', memoryEqual(facts)],
    ['dirty-logging-off-after-failure', fromLocal(facts, 'dirty-logging-off-after-failure')],
    ['admission-caps', admissionCaps(facts)],
  ];
  return results.map(([kind, verdict]) => ({
    name: kind,
    kind,
    passed: verdict.passed,
    detail: verdict.detail,
    ...(verdict.firstViolationNs === undefined ? {} : { firstViolationMs: verdict.firstViolationNs / NS_PER_MS }),
  }));
}

function vmNeverLost(facts: RunFacts): Verdict {
  const horizon = facts.horizonNs;
  let stays = 0;
  const violations: { atNs: number; message: string }[] = [];
  for (const spec of facts.variant.vms) {
    const vmStays = staysOf(facts, spec.name);
    stays += vmStays.length;
    // Executing intervals on different hosts must not overlap.
    const intervals: { from: number; to: number; host: string }[] = [];
    for (const stay of vmStays) {
      for (let i = 0; i < stay.executing.length; i += 2) intervals.push({ from: stay.executing[i]!, to: stay.executing[i + 1] ?? horizon, host: stay.host });
    }
    intervals.sort((a, b) => a.from - b.from);
    for (let i = 1; i < intervals.length; i++) {
      const previous = intervals[i - 1]!;
      const current = intervals[i]!;
      if (current.host !== previous.host && current.from < previous.to) {
        const both = facts.hosts.map((host) => host.host).filter((host) => host === previous.host || host === current.host);
        violations.push({ atNs: current.from, message: `VM ${spec.name} runs on 2 hosts at once: ${both.join(', ')}` });
        break;
      }
    }
    // Some host holds the VM at every moment, until it is lost.
    let coveredUntil = 0;
    let lost = false;
    for (const stay of vmStays) {
      if (stay.fromNs > coveredUntil) {
        violations.push({ atNs: coveredUntil, message: `VM ${spec.name} has no host from ${coveredUntil / 1e9} s to ${stay.fromNs / 1e9} s` });
        break;
      }
      if (stay.endState === 'lost') {
        lost = true;
        break;
      }
      coveredUntil = Math.max(coveredUntil, stay.toNs ?? horizon);
    }
    if (!lost && coveredUntil < horizon && !violations.some((v) => v.message.startsWith(`VM ${spec.name} `))) {
      violations.push({ atNs: coveredUntil, message: `VM ${spec.name} has no host from ${coveredUntil / 1e9} s` });
    }
  }
  const local = fromLocal(facts, 'vm-never-lost');
  if (!local.passed) violations.push({ atNs: local.firstViolationNs ?? 0, message: local.detail });
  if (violations.length === 0) return { passed: true, detail: `held over ${stays} stay(s) of ${facts.variant.vms.length} VM(s) and ${local.detail}` };
  violations.sort((a, b) => a.atNs - b.atNs);
  return { passed: false, detail: `${violations.length} violation(s); first: ${violations[0]!.message}`, firstViolationNs: violations[0]!.atNs };
}

function memoryEqual(facts: RunFacts): Verdict {
  const switchovers = facts.hosts.flatMap((host) => host.switchovers).sort((a, b) => a.tNs - b.tNs);
  const bad = switchovers.filter((switchover) => switchover.verified === false);
  if (bad.length === 0) return { passed: true, detail: `held at each of ${switchovers.length} switchover(s)` };
  const first = bad[0]!;
  return {
    passed: false,
    detail: `${bad.length} of ${switchovers.length} switchover(s) differ; first: migration ${first.migration} (VM ${first.vm}): the destination's page versions differ from the source's: ${first.detail}`,
    firstViolationNs: first.tNs,
  };
}

/** A host-local check, summed over every host. */
function fromLocal(facts: RunFacts, kind: string): Verdict {
  let steps = 0;
  let violations = 0;
  let first: LocalCheckOutcome | undefined;
  for (const host of facts.hosts) {
    const outcome = host.localChecks.find((candidate) => candidate.kind === kind);
    if (outcome === undefined) continue;
    steps += outcome.steps;
    violations += outcome.violations;
    if (outcome.firstViolationNs !== null && (first === undefined || outcome.firstViolationNs < first.firstViolationNs!)) first = outcome;
  }
  if (first === undefined) return { passed: true, detail: `held after each of ${steps} host step(s)` };
  return { passed: false, detail: `${violations} violating step(s) of ${steps}; first: ${first.firstViolation}`, firstViolationNs: first.firstViolationNs! };
}

function admissionCaps(facts: RunFacts): Verdict {
  const policy = toMigrationPolicy(facts.variant.policy);
  const transfers: TransferFact[] = facts.hosts.flatMap((host) => host.transfers);
  const edges: { atNs: number; delta: 1 | -1; transfer: TransferFact }[] = [];
  for (const transfer of transfers) {
    edges.push({ atNs: transfer.startNs, delta: 1, transfer });
    edges.push({ atNs: transfer.endNs, delta: -1, transfer });
  }
  // Ends before starts at one instant: a slot freed then is free for a start then.
  edges.sort((a, b) => a.atNs - b.atNs || a.delta - b.delta);
  let total = 0;
  const out = new Map<string, number>();
  const into = new Map<string, number>();
  for (const edge of edges) {
    const { source, destination } = edge.transfer;
    total += edge.delta;
    out.set(source, (out.get(source) ?? 0) + edge.delta);
    into.set(destination, (into.get(destination) ?? 0) + edge.delta);
    if (edge.delta < 0) continue;
    const message =
      total > policy.parallelMigrationsPerCluster
        ? `${total} migrations running, cluster cap is ${policy.parallelMigrationsPerCluster}`
        : out.get(source)! > policy.parallelOutboundMigrationsPerNode
          ? `${out.get(source)} migrations leaving ${source}, cap is ${policy.parallelOutboundMigrationsPerNode}`
          : into.get(destination)! > policy.parallelInboundMigrationsPerNode
            ? `${into.get(destination)} migrations entering ${destination}, cap is ${policy.parallelInboundMigrationsPerNode}`
            : undefined;
    if (message !== undefined) return { passed: false, detail: `exceeded at ${edge.atNs / 1e9} s: ${message}`, firstViolationNs: edge.atNs };
  }
  return { passed: true, detail: `held over ${transfers.length} attempt(s)` };
}
