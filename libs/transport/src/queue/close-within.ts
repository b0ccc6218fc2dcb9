import type { Consumer } from '../interfaces/queue-port';

/** Closes consumers gracefully (jobs in hand finish); after `timeoutMs` forcibly (they are handed back to the queue). */
export async function closeWithin(consumers: readonly Consumer[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = Promise.all(consumers.map((consumer) => consumer.close())).then(() => true);
  const late = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), timeoutMs);
  });
  const inTime = await Promise.race([graceful, late]);
  clearTimeout(timer);
  if (!inTime) await Promise.race([Promise.all(consumers.map((consumer) => consumer.close({ force: true }))), new Promise((done) => setTimeout(done, 1_000))]);
}
