import { CliError } from '../cli-error';

/** Threads or workers: a whole number from 1 to 256. */
export function parseWorkerCount(command: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new CliError(`migsim ${command}: --workers: found "${text}", expected a whole number from 1 to 256`);
  }
  return Number(text);
}

/** `redis://` or `rediss://` URL of the Redis that carries the sweep's queues. */
export function parseQueueUrl(command: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`migsim ${command}: --queue: found "${text}", expected a Redis URL such as redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new CliError(`migsim ${command}: --queue: found "${text}", expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379`);
  }
  return text;
}

/** A namespace of BullMQ keys: letters, digits, '-' and '_'. */
export function parseNamespace(command: string, text: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(text)) {
    throw new CliError(`migsim ${command}: --namespace: found "${text}", expected letters, digits, '-' and '_' (at most 64)`);
  }
  return text;
}
