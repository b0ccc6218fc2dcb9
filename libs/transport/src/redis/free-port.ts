import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host`. Another process can take it
 * before redis-server binds it; PrivateRedisServer retries on a new port then.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error(`no port assigned on ${host}`))));
    });
  });
}
