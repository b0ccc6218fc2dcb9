import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATION_OUTCOMES } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';

interface LiveEventLists {
  RUN_EVENT_KINDS: string[];
  RUN_REFRESH_KINDS: string[];
  ACTOR_EVENT_KINDS: string[];
  IMPORTANT_EVENT_KINDS: string[];
}

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const lists = (await import(new URL('../../public/live-events.js', import.meta.url).href)) as LiveEventLists;

/**
 * Kinds an actor's first `event(...)` argument can take when it is not a
 * string literal: an attempt's end is logged as `migration-<outcome>`, for
 * every outcome but `unfinished` (libs/cluster attempt-outcome.ts, EndedOutcome).
 */
const COMPUTED_KINDS: Record<string, string[]> = {
  '`migration-${ended.outcome}`': MIGRATION_OUTCOMES.filter((outcome) => outcome !== 'unfinished').map((outcome) => `migration-${outcome}`),
};

/** Every kind libs/cluster's controllers and hosts log (`controller.event(kind, …)`, `host.event(kind, …)`), read from their sources. */
function actorEventKinds(): string[] {
  const dir = join(REPO, 'libs/cluster/src');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'testing.ts');
  const kinds = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    // A call's first argument up to its comma; HostRecords.event(tNs, kind, …) only files what HostActor.event was given.
    for (const call of text.matchAll(/(\w+)\.event\(([^,]*),/g)) {
      if (call[1] === 'records') continue;
      const argument = call[2]!.trim();
      const computed = COMPUTED_KINDS[argument];
      const literals = [...argument.matchAll(/'([^']+)'/g)].map((literal) => literal[1]!);
      if (computed === undefined && literals.length === 0) throw new Error(`${file}: event kind ${argument} is neither a literal nor known here (add it to COMPUTED_KINDS)`);
      for (const kind of computed ?? literals) kinds.add(kind);
    }
  }
  return [...kinds].sort();
}

/** The kinds RunsService publishes under a name of its own (the actors' events go out under theirs). */
function runEventKinds(): string[] {
  const text = readFileSync(join(REPO, 'apps/controller/src/runs/runs.service.ts'), 'utf8');
  return [...new Set([...text.matchAll(/this\.publish\('([^']+)'/g)].map((call) => call[1]!))].sort();
}

describe('live page: the event kinds it listens to (public/live-events.js)', () => {
  it('live-events: the actor kinds are exactly the kinds libs/cluster logs, each once', () => {
    expect(new Set(lists.ACTOR_EVENT_KINDS).size).toBe(lists.ACTOR_EVENT_KINDS.length);
    expect([...lists.ACTOR_EVENT_KINDS].sort()).toEqual(actorEventKinds());
  });

  it("live-events: the run kinds are exactly the controller's own, and none is also an actor's", () => {
    expect([...lists.RUN_EVENT_KINDS].sort()).toEqual(runEventKinds());
    expect(lists.RUN_EVENT_KINDS).toEqual(expect.arrayContaining(lists.RUN_REFRESH_KINDS));
    expect(lists.RUN_EVENT_KINDS.filter((kind) => lists.ACTOR_EVENT_KINDS.includes(kind))).toEqual([]);
  });

  it('live-events: the feed highlights actor kinds only', () => {
    expect(lists.ACTOR_EVENT_KINDS).toEqual(expect.arrayContaining(lists.IMPORTANT_EVENT_KINDS));
  });

  it('live-events: every event of the flagship and a host drain, as the engine reports them, is of a kind the page listens to', () => {
    for (const file of ['failed-migration-recovery.yaml', 'evacuate-host.yaml']) {
      const report = simulate(loadScenario(readFileSync(join(REPO, 'scenarios', file), 'utf8'), file));
      const kinds = new Set(report.variants.flatMap((variant) => variant.events.map((event) => event.kind)));
      expect(kinds.size).toBeGreaterThan(5);
      expect([file, [...kinds].filter((kind) => !lists.ACTOR_EVENT_KINDS.includes(kind))]).toEqual([file, []]);
    }
  }, 60_000);
});
