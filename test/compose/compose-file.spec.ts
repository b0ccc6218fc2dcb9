import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/compose-project';

/**
 * What docker-compose.yml publishes and passes to the controller, read as
 * compose reads it (`${NAME:-default}` taken from the environment of `up`).
 * The compose demo itself (compose-demo.test.ts) runs with host networking,
 * where published ports do not apply.
 */
interface ComposeFile {
  services: Record<string, { ports?: string[]; environment?: Record<string, string | null> }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;

function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => (env[name] ? env[name]! : (fallback ?? '')));
}

describe('docker-compose.yml: who can reach the controller', () => {
  it('compose file: the controller is published on 127.0.0.1 by default, on another address only through MIGSIM_BIND; nothing else is published', () => {
    const ports = (env: Record<string, string>) => compose.services.controller!.ports!.map((entry) => interpolate(entry, env));
    expect(ports({})).toEqual(['127.0.0.1:8080:8080']);
    expect(ports({ MIGSIM_PORT: '9090' })).toEqual(['127.0.0.1:9090:8080']);
    expect(ports({ MIGSIM_BIND: '0.0.0.0' })).toEqual(['0.0.0.0:8080:8080']);
    for (const [name, service] of Object.entries(compose.services)) if (name !== 'controller') expect([name, service.ports]).toEqual([name, undefined]);
  });

  it('compose file: MIGSIM_API_TOKEN and MIGSIM_MODEL_MEMORY_LIMIT reach the controller from the environment of `up` (no value: absent when unset there)', () => {
    const environment = compose.services.controller!.environment!;
    expect(environment).toHaveProperty('MIGSIM_API_TOKEN', null);
    expect(environment).toHaveProperty('MIGSIM_MODEL_MEMORY_LIMIT', null);
  });
});
