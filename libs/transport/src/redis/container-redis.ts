import type { StartedTestContainer } from 'testcontainers';
import { waitForPong } from './redis-ping';
import type { ContainerRuntime } from './container-runtime';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_REDIS_IMAGE = 'redis:7-alpine';
const REDIS_PORT = 6379;

export interface ContainerRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * testcontainers reads its settings from `process.env` only, so the values
 * the caller passed in `env` are copied there (the one place libs/transport
 * writes to the process environment): DOCKER_HOST of the runtime found,
 * TESTCONTAINERS_RYUK_DISABLED (the reaper image may not be pullable) and
 * TESTCONTAINERS_HOST_OVERRIDE (e.g. 127.0.0.1 to stay on loopback).
 */
function exportTestcontainersSettings(env: Env, runtime: ContainerRuntime): void {
  process.env.DOCKER_HOST = runtime.dockerHost;
  for (const key of ['TESTCONTAINERS_RYUK_DISABLED', 'TESTCONTAINERS_HOST_OVERRIDE', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) {
    const value = env[key];
    if (value !== undefined) process.env[key] = value;
  }
}

/**
 * Starts `MIGSIM_REDIS_IMAGE` (default redis:7-alpine) with its port published
 * on 127.0.0.1 only, through a dynamic import so testcontainers stays an
 * optional, dev-only dependency.
 */
export async function startContainerRedis(env: Env, runtime: ContainerRuntime, persistent: boolean): Promise<ContainerRedis> {
  exportTestcontainersSettings(env, runtime);
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = env.MIGSIM_REDIS_IMAGE || DEFAULT_REDIS_IMAGE;

  class LoopbackRedisContainer extends GenericContainer {
    constructor() {
      super(image);
      this.withExposedPorts(REDIS_PORT);
      // withExposedPorts binds every interface; publish on loopback only.
      this.hostConfig.PortBindings = { [`${REDIS_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '0' }] };
      this.withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/));
      const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
      this.withCommand(['redis-server', '--save', '', ...persistence]);
    }
  }

  const container: StartedTestContainer = await new LoopbackRedisContainer().start();
  const host = container.getHost();
  const port = container.getMappedPort(REDIS_PORT);
  const answer = await waitForPong(host, port, { timeoutMs: 10_000 });
  if (answer !== 'pong') {
    await container.stop();
    throw new Error(`container ${image} started but ${host}:${port} did not answer PING (${answer})`);
  }
  let stopped = false;
  return {
    url: `redis://${host}:${port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
  };
}
