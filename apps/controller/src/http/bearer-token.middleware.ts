import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiToken } from './api-token';

type Next = (error?: unknown) => void;

/**
 * The guard's check for routers mounted as middleware (bull-board at /queues),
 * which Nest guards never see: its API has PUT/PATCH/POST routes (retry,
 * pause, clean), refused here without the token before they reach it.
 */
export function bearerTokenMiddleware(token: ApiToken) {
  return (request: IncomingMessage & { originalUrl?: string }, response: ServerResponse, next: Next): void => {
    const refusal = token.refusal(request.method ?? 'GET', (request.originalUrl ?? request.url ?? '/').split('?')[0]!, request.headers.authorization);
    if (refusal === null) return next();
    response.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8', 'WWW-Authenticate': refusal.challenge });
    response.end(JSON.stringify(refusal.body));
  };
}
