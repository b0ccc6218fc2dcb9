import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadScenario, ScenarioError } from '@migsim/scenario';

/**
 * The controller's configuration, read and validated once at start-up (the
 * only place that reads the environment). See apps/controller/README.md.
 */
export interface ControllerConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly port: number;
  readonly host: string;
  /** Simulated seconds per wall-clock second for new runs. */
  readonly speed: number;
  /** Wall time between accepting a run and its simulated time 0 (hosts build their VMs meanwhile). */
  readonly startDelayMs: number;
  readonly tickMs: number;
  /** A host whose heartbeats stop this long (while Redis answers) is declared down. */
  readonly hostDeadAfterMs: number;
  /** A scenario submitted once at start-up (MIGSIM_RUN_SCENARIO): its file name and text. */
  readonly runScenario: { readonly file: string; readonly text: string } | null;
  /** The bearer token every mutating HTTP request must carry (MIGSIM_API_TOKEN); null: the API is open to anyone who reaches it. */
  readonly apiToken: string | null;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export const CONTROLLER_CONFIG = Symbol('CONTROLLER_CONFIG');

type Env = Readonly<Record<string, string | undefined>>;

/** RFC 6750's b64token: what an `Authorization: Bearer` header can carry unquoted. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const API_TOKEN_MIN_LENGTH = 16;

export function readControllerConfig(env: Env): ControllerConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL: expected redis://host:port, got ${JSON.stringify(redisUrl ?? '')}`);
  const namespace = env.MIGSIM_NAMESPACE || 'migsim';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(namespace)) throw new ConfigError(`MIGSIM_NAMESPACE: expected letters, digits, '-' or '_', got ${JSON.stringify(namespace)}`);
  const speed = number(env, 'MIGSIM_SPEED', 40, 0.001, 100_000);
  return {
    redisUrl,
    namespace,
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    speed,
    startDelayMs: integer(env, 'MIGSIM_START_DELAY_MS', 1500, 0, 600_000),
    tickMs: integer(env, 'MIGSIM_TICK_MS', 25, 1, 10_000),
    hostDeadAfterMs: integer(env, 'MIGSIM_HOST_DEAD_AFTER_MS', 2_500, 100, 600_000),
    runScenario: scenarioFile(env.MIGSIM_RUN_SCENARIO),
    apiToken: apiToken(env.MIGSIM_API_TOKEN),
  };
}

/** Empty counts as unset, so compose files can pass the variable through unconditionally. */
function apiToken(token: string | undefined): string | null {
  if (token === undefined || token === '') return null;
  if (!BEARER_TOKEN.test(token)) throw new ConfigError(`MIGSIM_API_TOKEN: expected letters, digits and - . _ ~ + / (a bearer token, e.g. from \`openssl rand -hex 32\`), got ${token.length} characters that include others`);
  if (token.length < API_TOKEN_MIN_LENGTH) throw new ConfigError(`MIGSIM_API_TOKEN: expected at least ${API_TOKEN_MIN_LENGTH} characters (e.g. \`openssl rand -hex 32\`), got ${token.length}`);
  return token;
}

/** Reads and validates the start-up scenario now, so a wrong path or file stops the controller before it serves. */
function scenarioFile(path: string | undefined): ControllerConfig['runScenario'] {
  if (path === undefined || path === '') return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`MIGSIM_RUN_SCENARIO: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    loadScenario(text, basename(path));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new ConfigError(`MIGSIM_RUN_SCENARIO: ${path} is not a valid scenario: ${error.format().split('\n').join('; ')}`);
  }
  return { file: path, text };
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(`${name}: expected a number in [${min}, ${max}], got ${JSON.stringify(text)}`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = number(env, name, fallback, min, max);
  if (!Number.isSafeInteger(value)) throw new ConfigError(`${name}: expected an integer, got ${JSON.stringify(env[name])}`);
  return value;
}
