import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiToken } from './api-token';

/**
 * Global guard (APP_GUARD): a mutating HTTP request without the right bearer
 * token gets 401 with a `WWW-Authenticate: Bearer` challenge; reads pass.
 * Host events (the BullMQ microservice transport) are not HTTP and pass.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(ApiToken) private readonly token: ApiToken) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<IncomingMessage & { path?: string }>();
    const refusal = this.token.refusal(request.method ?? 'GET', request.path ?? request.url ?? '/', request.headers.authorization);
    if (refusal === null) return true;
    http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', refusal.challenge);
    throw new UnauthorizedException(refusal.body);
  }
}
