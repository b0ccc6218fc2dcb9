import { Redis } from 'ioredis';
import { hashTagPrefix } from '../naming/queue-layout';

/**
 * Deletes every key of one namespace (`{migsim:<namespace>}:*`) with SCAN +
 * UNLINK — never FLUSHDB, so a shared Redis keeps everyone else's keys.
 * Returns how many keys went. Close consumers first: a live worker recreates
 * its keys.
 */
export async function purgeNamespace(url: string, namespace: string): Promise<number> {
  const pattern = `${hashTagPrefix(namespace).replace(/[*?[\]\\]/g, '\\$&')}:*`;
  const client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}

/** Every key of one namespace, for tests that check the layout. */
export async function namespaceKeys(url: string, namespace: string): Promise<string[]> {
  const pattern = `${hashTagPrefix(namespace).replace(/[*?[\]\\]/g, '\\$&')}:*`;
  const client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys.sort();
  } finally {
    client.disconnect();
  }
}
