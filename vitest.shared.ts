import { defineConfig } from 'vitest/config';

/**
 * One vitest configuration for every project: sources are resolved through
 * the `development` export condition, so tests run against `src/` without a
 * build step.
 */
export function projectConfig(overrides: { testTimeoutMs?: number; include?: string[]; env?: Record<string, string> } = {}) {
  return defineConfig({
    resolve: { conditions: ['development'] },
    test: {
      include: overrides.include ?? ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      testTimeout: overrides.testTimeoutMs ?? 30_000,
      pool: 'forks',
      env: overrides.env ?? {},
    },
  });
}
