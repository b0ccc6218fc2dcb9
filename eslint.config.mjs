// ESLint flat config for the whole workspace.
//
// Two layers of rules keep the architecture honest (DESIGN.md section 2):
//  1. @nx/enforce-module-boundaries: which project may import which, by tag.
//  2. Purity rules for the deterministic libraries: no node built-ins, no
//     I/O clients, no frameworks, no clocks, no randomness, no `process`.
// test/lint/boundaries.spec.ts proves every rule fires.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export const PURE_LIBS = ['mmu', 'guest', 'migration', 'orchestration', 'cluster', 'sim', 'scenario', 'report', 'sweep'];

const pureSources = PURE_LIBS.map((lib) => `libs/${lib}/src/**/*.ts`);

export default [
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/coverage/**', '**/tmp/**', 'test/lint/fixtures/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'layer:mmu', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'layer:guest', onlyDependOnLibsWithTags: ['layer:mmu'] },
            { sourceTag: 'layer:migration', onlyDependOnLibsWithTags: ['layer:mmu', 'layer:guest'] },
            {
              sourceTag: 'layer:orchestration',
              onlyDependOnLibsWithTags: ['layer:mmu', 'layer:guest', 'layer:migration'],
            },
            {
              sourceTag: 'layer:scenario',
              onlyDependOnLibsWithTags: ['layer:mmu', 'layer:guest', 'layer:migration', 'layer:orchestration'],
            },
            {
              sourceTag: 'layer:report',
              onlyDependOnLibsWithTags: ['layer:mmu', 'layer:guest', 'layer:migration', 'layer:orchestration'],
            },
            {
              sourceTag: 'layer:cluster',
              onlyDependOnLibsWithTags: ['layer:mmu', 'layer:guest', 'layer:migration', 'layer:orchestration', 'layer:scenario', 'layer:report'],
            },
            {
              sourceTag: 'layer:sim',
              onlyDependOnLibsWithTags: [
                'layer:mmu',
                'layer:guest',
                'layer:migration',
                'layer:orchestration',
                'layer:scenario',
                'layer:report',
                'layer:cluster',
              ],
            },
            {
              sourceTag: 'layer:sweep',
              onlyDependOnLibsWithTags: [
                'layer:mmu',
                'layer:guest',
                'layer:migration',
                'layer:orchestration',
                'layer:scenario',
                'layer:report',
                'layer:cluster',
                'layer:sim',
              ],
            },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'] },
            { sourceTag: 'layer:transport', onlyDependOnLibsWithTags: ['type:pure'] },
            { sourceTag: 'layer:protocol', onlyDependOnLibsWithTags: ['type:pure', 'layer:transport'] },
            { sourceTag: 'layer:runtime', onlyDependOnLibsWithTags: ['type:pure', 'layer:transport', 'layer:protocol'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:io'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:pure', 'type:io'] },
          ],
        },
      ],
    },
  },
  {
    // Tool configuration files import the shared root config by path.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // libs/transport is the only place that talks to Redis (DESIGN.md section 2).
    files: ['apps/**/*.ts', 'libs/protocol/**/*.ts', 'libs/runtime/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['bullmq', 'ioredis', 'redis'], message: 'Only libs/transport talks to Redis: use @migsim/transport.' },
          ],
        },
      ],
    },
  },
  {
    files: pureSources,
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Pure libraries do no I/O: pass data in instead of importing node built-ins.' },
            {
              group: ['fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'os', 'path', 'worker_threads', 'timers', 'timers/*', 'crypto'],
              message: 'Pure libraries do no I/O: pass data in instead of importing node built-ins.',
            },
            { group: ['bullmq', 'ioredis', 'redis', '@nestjs/*'], message: 'Queues and frameworks live in libs/transport and apps/, never in a pure library.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure libraries read time from the Clock they are given.' },
        { object: 'Math', property: 'random', message: 'Pure libraries draw randomness from the seeded Rng they are given.' },
        { object: 'performance', property: 'now', message: 'Pure libraries read time from the Clock they are given.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pure libraries never read the process: configuration is passed in.' },
        { name: 'setTimeout', message: 'Pure libraries never schedule: the driver advances time.' },
        { name: 'setInterval', message: 'Pure libraries never schedule: the driver advances time.' },
        { name: 'setImmediate', message: 'Pure libraries never schedule: the driver advances time.' },
        { name: 'fetch', message: 'Pure libraries do no I/O.' },
        { name: 'performance', message: 'Pure libraries read time from the Clock they are given.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure libraries read time from the Clock they are given.' },
      ],
    },
  },
];
