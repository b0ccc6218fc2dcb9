import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadScenario, parseSize, ScenarioError } from '@migsim/scenario';
import { ConfigError as TransportConfigError, readDeliveryOverrides, type DeliveryPolicy } from '@migsim/transport';
import { controllerMemoryView, type MemoryView } from './memory-view';

/**
 * The controller's configuration, read and validated once at start-up (the
 * only place that reads the environment). See apps/controller/README.md.
 */
export interface ControllerConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly port: number;
  readonly host: string;
  /** Virtual seconds per wall-clock second for new runs (pacing, for watchers); null (`max`): as fast as the processes go. */
  readonly speed: number | null;
  /** Wall time between accepting a run and its virtual time 0 (paced runs; the workers build their hosts meanwhile). */
  readonly startDelayMs: number;
  /** The shards runs are spread over: hosts holding VMs at time 0 go to the source shards, the others to the destination shards. */
  readonly sourceShards: readonly string[];
  readonly destinationShards: readonly string[];
  /** A scenario submitted once at start-up (MIGSIM_RUN_SCENARIO): its file name and text. */
  readonly runScenario: { readonly file: string; readonly text: string } | null;
  /** The bearer token every mutating HTTP request must carry (MIGSIM_API_TOKEN); null: the API is open to anyone who reaches it. */
  readonly apiToken: string | null;
  /** Submitted scenarios whose model-memory estimate exceeds this are refused (MIGSIM_MODEL_MEMORY_LIMIT). */
  readonly modelMemoryLimit: { readonly bytes: number; readonly source: string };
  /** The `coordinator` queue consumer's job lock and stalled-job check (MIGSIM_LOCK_DURATION_MS, MIGSIM_STALLED_INTERVAL_MS; libs/transport readDeliveryOverrides). */
  readonly delivery: Partial<DeliveryPolicy>;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export const CONTROLLER_CONFIG = Symbol('CONTROLLER_CONFIG');

type Env = Readonly<Record<string, string | undefined>>;

/** RFC 6750's b64token: what an `Authorization: Bearer` header can carry unquoted. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const API_TOKEN_MIN_LENGTH = 16;
/** Share of the memory the controller sees that one scenario's models may take by default (see modelMemoryLimit). */
const DEFAULT_MODEL_MEMORY_SHARE = 0.5;

/** `memory`: what the controller sees of the machine's memory (a parameter so tests can give one). */
export function readControllerConfig(env: Env, memory: MemoryView = controllerMemoryView()): ControllerConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL: expected redis://host:port, got ${JSON.stringify(redisUrl ?? '')}`);
  const namespace = env.MIGSIM_NAMESPACE || 'migsim';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(namespace)) throw new ConfigError(`MIGSIM_NAMESPACE: expected letters, digits, '-' or '_', got ${JSON.stringify(namespace)}`);
  const speed = env.MIGSIM_SPEED === 'max' ? null : number(env, 'MIGSIM_SPEED', 40, 0.001, 100_000);
  return {
    redisUrl,
    namespace,
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    speed,
    startDelayMs: integer(env, 'MIGSIM_START_DELAY_MS', 1500, 0, 600_000),
    sourceShards: shardList(env, 'MIGSIM_SOURCE_SHARDS', 'source-0'),
    destinationShards: shardList(env, 'MIGSIM_DESTINATION_SHARDS', 'destination-0'),
    runScenario: scenarioFile(env.MIGSIM_RUN_SCENARIO),
    apiToken: apiToken(env.MIGSIM_API_TOKEN),
    modelMemoryLimit: modelMemoryLimit(env.MIGSIM_MODEL_MEMORY_LIMIT, memory),
    delivery: deliveryOverrides(env),
  };
}

function deliveryOverrides(env: Env): Partial<DeliveryPolicy> {
  try {
    return readDeliveryOverrides(env);
  } catch (error) {
    if (error instanceof TransportConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Empty counts as unset, so compose files can pass the variable through unconditionally. */
function apiToken(token: string | undefined): string | null {
  if (token === undefined || token === '') return null;
  if (!BEARER_TOKEN.test(token)) throw new ConfigError(`MIGSIM_API_TOKEN: expected letters, digits and - . _ ~ + / (a bearer token, e.g. from \`openssl rand -hex 32\`), got ${token.length} characters that include others`);
  if (token.length < API_TOKEN_MIN_LENGTH) throw new ConfigError(`MIGSIM_API_TOKEN: expected at least ${API_TOKEN_MIN_LENGTH} characters (e.g. \`openssl rand -hex 32\`), got ${token.length}`);
  return token;
}

/**
 * A host worker keeps the models of its VMs in its own memory: by default a
 * scenario may need at most half of what the controller sees (the machine's
 * memory, or its cgroup's limit when smaller), since the workers share the
 * machine with Redis, the controller and each other.
 */
function modelMemoryLimit(text: string | undefined, memory: MemoryView): ControllerConfig['modelMemoryLimit'] {
  if (text === undefined || text === '') return { bytes: Math.floor(memory.bytes * DEFAULT_MODEL_MEMORY_SHARE), source: `half of ${memory.source}` };
  const size = parseSize(text);
  if (!size.ok) throw new ConfigError(`MIGSIM_MODEL_MEMORY_LIMIT: expected ${size.expected}, got ${JSON.stringify(text)}`);
  return { bytes: size.value, source: 'MIGSIM_MODEL_MEMORY_LIMIT' };
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

/** A comma-separated list of shard names (letters, digits, '-' or '_'); the source list must not be empty. */
function shardList(env: Env, name: string, fallback: string): string[] {
  const text = env[name] ?? fallback;
  const names = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (name === 'MIGSIM_SOURCE_SHARDS' && names.length === 0) throw new ConfigError(`${name}: expected at least one shard name, e.g. ${fallback}`);
  for (const shard of names) if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(shard)) throw new ConfigError(`${name}: ${JSON.stringify(shard)} is not a valid shard name (letters, digits, '-' or '_')`);
  return names;
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
