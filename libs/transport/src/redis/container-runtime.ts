import { existsSync } from 'node:fs';
import { request } from 'node:http';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a Docker-compatible API (Docker or `podman system service`) answered. */
export interface ContainerRuntime {
  /** A DOCKER_HOST value: `unix:///path.sock` or `tcp://host:port`. */
  dockerHost: string;
}

/** Where Docker and rootful podman listen by default. */
export const WELL_KNOWN_CONTAINER_SOCKETS: readonly string[] = ['/var/run/docker.sock', '/run/podman/podman.sock'];

/**
 * The sockets testcontainers itself would try, plus podman's, resolved from
 * `env`; `wellKnown` replaces the fixed system-wide sockets (tests pass `[]`
 * to model a machine with no container runtime).
 */
export function containerRuntimeCandidates(env: Env, wellKnown: readonly string[] = WELL_KNOWN_CONTAINER_SOCKETS): string[] {
  if (env.DOCKER_HOST) return [env.DOCKER_HOST];
  const sockets = [...wellKnown];
  if (env.XDG_RUNTIME_DIR) sockets.push(`${env.XDG_RUNTIME_DIR}/podman/podman.sock`, `${env.XDG_RUNTIME_DIR}/docker.sock`);
  if (env.HOME) sockets.push(`${env.HOME}/.docker/run/docker.sock`);
  return sockets.filter((socket) => existsSync(socket)).map((socket) => `unix://${socket}`);
}

/** `GET /_ping` against one DOCKER_HOST; true when the API answers 200. */
export function pingContainerApi(dockerHost: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    let target: { socketPath: string } | { host: string; port: number };
    try {
      const url = new URL(dockerHost);
      if (url.protocol === 'unix:') target = { socketPath: url.pathname };
      else if (url.protocol === 'tcp:' || url.protocol === 'http:') target = { host: url.hostname, port: Number(url.port || 2375) };
      else return resolvePing(false);
    } catch {
      return resolvePing(false);
    }
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePing(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolvePing(false));
    req.end();
  });
}

/** The first candidate whose API answers, or undefined when no runtime is reachable. */
export async function findContainerRuntime(
  env: Env,
  timeoutMs = 1_000,
  wellKnown: readonly string[] = WELL_KNOWN_CONTAINER_SOCKETS,
): Promise<ContainerRuntime | undefined> {
  for (const dockerHost of containerRuntimeCandidates(env, wellKnown)) {
    if (await pingContainerApi(dockerHost, timeoutMs)) return { dockerHost };
  }
  return undefined;
}
