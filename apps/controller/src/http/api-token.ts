import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';

/** Methods that only read: everything else changes something and needs the token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REALM = 'migsim';

/** A refused request: the `WWW-Authenticate` challenge (RFC 6750) and the JSON body. */
export interface Refusal {
  readonly challenge: string;
  readonly body: { readonly statusCode: 401; readonly error: string; readonly message: string };
}

/**
 * MIGSIM_API_TOKEN, checked on every mutating request (BearerTokenGuard for
 * the controllers, bearerTokenMiddleware for bull-board's router). Tokens
 * are compared as SHA-256 digests with `timingSafeEqual`: equal lengths
 * whatever was sent, and no early exit on the first differing byte.
 */
@Injectable()
export class ApiToken implements OnApplicationBootstrap {
  private readonly digest: Buffer | null;

  constructor(@Inject(CONTROLLER_CONFIG) config: ControllerConfig) {
    this.digest = config.apiToken === null ? null : sha256(config.apiToken);
  }

  get required(): boolean {
    return this.digest !== null;
  }

  onApplicationBootstrap(): void {
    if (!this.required) process.stderr.write('[controller] MIGSIM_API_TOKEN is not set: the HTTP API is unauthenticated, anyone who reaches it can submit runs\n');
  }

  /** Why `method path` with this `Authorization` header is refused, or null when it may go on. */
  refusal(method: string, path: string, authorization: string | undefined): Refusal | null {
    if (this.digest === null || SAFE_METHODS.has(method.toUpperCase())) return null;
    const token = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) {
      return {
        challenge: `Bearer realm="${REALM}"`,
        body: { statusCode: 401, error: 'unauthorized', message: `${method} ${path} needs the controller's API token: send Authorization: Bearer <MIGSIM_API_TOKEN>` },
      };
    }
    if (timingSafeEqual(sha256(token), this.digest)) return null;
    return {
      challenge: `Bearer realm="${REALM}", error="invalid_token", error_description="the token does not match MIGSIM_API_TOKEN"`,
      body: { statusCode: 401, error: 'unauthorized', message: `${method} ${path}: the bearer token does not match the controller's MIGSIM_API_TOKEN` },
    };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
