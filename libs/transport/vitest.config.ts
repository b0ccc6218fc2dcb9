import { existsSync } from 'node:fs';
import swc from 'unplugin-swc';
import { defineConfig, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.ts';

// Where scripts/containers/setup.sh started podman's Docker-compatible API (no
// Docker engine and no registry on the machine), the testcontainers path needs
// what scripts/containers/env.sh exports: no reaper image to pull, traffic on
// loopback, and the locally made Redis image. A DOCKER_HOST already set wins.
const PODMAN_SOCKET = '/run/podman/podman.sock';
const podmanEnv: Record<string, string> =
  !process.env.DOCKER_HOST && existsSync(PODMAN_SOCKET)
    ? {
        DOCKER_HOST: `unix://${PODMAN_SOCKET}`,
        TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true',
        TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '127.0.0.1',
        MIGSIM_REDIS_IMAGE: process.env.MIGSIM_REDIS_IMAGE ?? 'localhost/migsim-redis:7',
      }
    : {};

// src/nest (the NestJS transport) needs decorator metadata, which esbuild does not emit: compile with SWC.
export default mergeConfig(projectConfig({ env: podmanEnv }), defineConfig({ plugins: [swc.vite({ module: { type: 'es6' } })] }));
