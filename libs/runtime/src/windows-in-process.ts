import type { Report } from '@migsim/report';
import { runReport } from '@migsim/sim';
import { CoordinatorRuntime, type CoordinatorCommand } from './coordinator-runtime';
import { RunWorlds } from './run-worlds';
import { ShardRuntime } from './shard-runtime';
import type { ShardAssignment, WindowDoneV1 } from '@migsim/protocol';

export interface WindowsInProcessOptions {
  /** Carry every message through JSON, as a queue would (default true). */
  serialize?: boolean;
  maxWindowNs?: number;
}

/**
 * The services' window protocol with no transport at all: the coordinator
 * and one ShardRuntime per shard in this process, every message passed
 * through JSON. For tests of the protocol itself; the services run the same
 * runtimes over a queue port.
 */
export function runWindowsInProcess(
  scenarioText: string,
  scenarioFile: string,
  seed: number,
  shards: readonly ShardAssignment[],
  options: WindowsInProcessOptions = {},
): { report: Report; windows: number } {
  const copy = options.serialize === false ? <T>(value: T) => value : <T>(value: T) => JSON.parse(JSON.stringify(value)) as T;
  const worlds = () => new RunWorlds(scenarioText, scenarioFile, seed, shards);
  const coordinator = new CoordinatorRuntime('test', worlds(), options.maxWindowNs);
  const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('test', shard.id, worlds())]));
  let command: CoordinatorCommand | undefined = coordinator.begin();
  while (command !== undefined && command.kind === 'open') {
    let next: CoordinatorCommand | undefined;
    for (const open of command.messages) {
      const done: WindowDoneV1 = copy(runtimes.get(open.shard)!.runWindow(copy(open)));
      next = coordinator.onDone(done) ?? next;
    }
    command = next;
  }
  let variants;
  for (const runtime of runtimes.values()) variants = coordinator.onFacts(copy(runtime.finish())) ?? variants;
  if (variants === undefined) throw new Error('the run ended without every shard\'s facts');
  const report = runReport(coordinator.worlds.scenario, { seed, engine: 'services', scenarioFile }, variants);
  return { report, windows: coordinator.currentWindow + 1 };
}
