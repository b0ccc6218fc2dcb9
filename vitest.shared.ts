import { defineConfig } from 'vitest/config';

/**
 * One vitest configuration for every project: sources are resolved through
 * the `development` export condition, so tests run against `src/` without a
 * build step. The timeout catches a test that hangs, not a slow one (speed
 * is the benchmarks' business): a simulation that takes 10 s on a quiet
 * 2-core machine takes three times that while CI runs two projects at once
 * beside other load.
 */
export function projectConfig(overrides: { testTimeoutMs?: number; include?: string[]; env?: Record<string, string> } = {}) {
  return defineConfig({
    resolve: { conditions: ['development'] },
    test: {
      include: overrides.include ?? ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      testTimeout: overrides.testTimeoutMs ?? 120_000,
      pool: 'forks',
      env: overrides.env ?? {},
    },
  });
}
