import type { FaultEntry } from '@migsim/cluster';
import type { Report } from '@migsim/report';
import { InMemoryJournal, InMemoryQueuePort, Outbox, type Consumer, type Journal, type QueuePort } from '@migsim/transport';
import { runCodecs } from '@migsim/protocol';
import type { CoordinatorInbound, RunMessage, ShardAssignment, ShardInbound } from '@migsim/protocol';
import { RunCoordinator, type RunSpec } from './run-coordinator';
import { coordinatorQueue, shardQueue } from './run-naming';
import { ShardWorker } from './shard-worker';

export interface ServicesInProcessOptions {
  /** Replace the shard worker of `shard` with a fresh one (same journal) after its `afterMessages`-th message. */
  replaceShard?: { shard: string; afterMessages: number };
  /** Replace the coordinator with a fresh one that resumes from its journal after its `afterMessages`-th message. */
  replaceCoordinator?: { afterMessages: number };
  /** An operator's fault, injected once the run has reached `afterNs` of virtual time (at the next coordinator message). */
  inject?: { afterNs: number; fault: FaultEntry; onInjected?: (atNs: number) => void; onRefused?: (error: unknown) => void };
}

/**
 * The services' coordinator and shard workers, each with its own consumer,
 * over libs/transport's in-memory queue port with the run codecs: every
 * message is encoded, checked and decoded as over BullMQ, in one process.
 * Tests use it to hold the services to the engine's report, and to replace
 * a worker or the coordinator mid-run as a crash would.
 */
export async function runServicesInProcess(
  scenarioText: string,
  scenarioFile: string,
  seed: number,
  shards: readonly ShardAssignment[],
  options: ServicesInProcessOptions = {},
): Promise<Report> {
  const port: QueuePort<RunMessage> = new InMemoryQueuePort({ codecs: runCodecs, logger: { warn: () => undefined, error: () => undefined } }) as unknown as QueuePort<RunMessage>;
  const outbox = new Outbox<RunMessage>(port, () => undefined);
  const journal: Journal = new InMemoryJournal();
  const send = (queue: string, message: RunMessage, jobId: string) => outbox.push(queue, message, jobId);
  const deliver = (queue: string, message: RunMessage, jobId: string) => outbox.deliver(queue, message, jobId);
  const log = () => undefined;
  const consumers: Consumer[] = [];
  const finished = new Promise<Report>((resolve, reject) => {
    const newCoordinator = () =>
      new RunCoordinator({
        send,
        journal,
        nowMs: () => 0,
        later: (task) => void Promise.resolve().then(task),
        log,
        onReport: (_run, report) => resolve(report),
      });
    // A handler that throws is a defect here: the run fails with it rather than retrying in the background.
    const failFast = async (handle: () => Promise<void>) => {
      try {
        await handle();
      } catch (error) {
        reject(error);
        throw error;
      }
    };
    let coordinator = newCoordinator();
    let coordinatorMessages = 0;
    let injected = false;
    const run = async () => {
      consumers.push(
        await port.consume(
          coordinatorQueue(),
          async (message) => {
            coordinatorMessages += 1;
            if (options.replaceCoordinator !== undefined && coordinatorMessages === options.replaceCoordinator.afterMessages) {
              coordinator = newCoordinator();
              await coordinator.resume('run');
            }
            const inject = options.inject;
            if (inject !== undefined && !injected && (coordinator.progress('run')?.reachedNs ?? 0) >= inject.afterNs) {
              injected = true;
              try {
                const atNs = await coordinator.inject('run', inject.fault);
                if (atNs !== undefined) inject.onInjected?.(atNs);
              } catch (error) {
                inject.onRefused?.(error);
              }
            }
            await failFast(() => coordinator.handle(message as CoordinatorInbound));
          },
          { concurrency: 1 },
        ),
      );
      for (const shard of shards) {
        const newWorker = () => new ShardWorker({ shard: shard.id, deliver, journal, log });
        let worker = newWorker();
        let handled = 0;
        consumers.push(
          await port.consume(
            shardQueue(shard.id),
            async (message) => {
              handled += 1;
              if (options.replaceShard?.shard === shard.id && handled === options.replaceShard.afterMessages) worker = newWorker();
              await failFast(() => worker.handle(message as ShardInbound));
            },
            { concurrency: 1 },
          ),
        );
      }
      const spec: RunSpec = { run: 'run', scenarioText, scenarioFile, seed, shards: [...shards], speed: null, epochWallMs: 0 };
      await coordinator.start(spec);
    };
    run().catch(reject);

  });
  try {
    return await finished;
  } finally {
    for (const consumer of consumers) await consumer.close();
    await port.close();
  }
}
