import { parentPort } from 'node:worker_threads';
import { executeRun, ScenarioCache, shrinkRun } from '@migsim/sweep';
import type { ThreadReply, ThreadRequest } from './thread-protocol';

/**
 * A sweep worker thread: it runs the tasks its pool sends, one at a time,
 * each in this thread's own engine (no Node start-up per run), and answers
 * with the task's result. A scenario is parsed once per thread and cell.
 */
const port = parentPort;
if (port === null) throw new Error('sweep-thread.ts runs as a worker thread');
const cache = new ScenarioCache();

port.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    const result = request.task.kind === 'run' ? executeRun(request.task.run, cache) : shrinkRun(request.task.shrink);
    reply = { id: request.id, ok: true, result };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
