import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture is only as real as the rules that enforce it: each case
 * lints a small piece of code as if it were a file in a pure library and
 * expects the named rule to reject it (and a clean file to pass).
 */
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: workspaceRoot });

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('architecture rules: pure libraries stay pure', () => {
  it('a clean pure-library file passes lint', async () => {
    expect(await ruleIdsFor('export const pagesPer2M = 512;\n', 'libs/mmu/src/clean.ts')).toEqual([]);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", 'node:fs'],
    ["import { connect } from 'net';\nexport const c = connect;\n", 'net'],
    ["import { Queue } from 'bullmq';\nexport const q = Queue;\n", 'bullmq'],
    ["import Redis from 'ioredis';\nexport const r = Redis;\n", 'ioredis'],
    ["import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n", '@nestjs/common'],
  ])('importing %# (%s) from a pure library is rejected', async (code, _name) => {
    expect(await ruleIdsFor(code, 'libs/guest/src/bad.ts')).toContain('no-restricted-imports');
  });

  it.each([
    ['export const t = Date.now();\n', 'no-restricted-properties'],
    ['export const r = Math.random();\n', 'no-restricted-properties'],
    ['export const p = performance.now();\n', 'no-restricted-properties'],
    ['export const e = process.env.HOME;\n', 'no-restricted-globals'],
    ['export const h = setTimeout(() => 0, 1);\n', 'no-restricted-globals'],
    ['export const i = setInterval(() => 0, 1);\n', 'no-restricted-globals'],
    ['export const d = new Date();\n', 'no-restricted-syntax'],
  ])('%s in a pure library is rejected by %s', async (code, rule) => {
    expect(await ruleIdsFor(code, 'libs/migration/src/bad.ts')).toContain(rule);
  });

  it('the same clock read is allowed in a benchmark, outside src/', async () => {
    expect(await ruleIdsFor('export const t = performance.now();\n', 'libs/mmu/bench/ok.ts')).toEqual([]);
  });
});

describe('architecture rules: only libs/transport talks to Redis', () => {
  // @nestjs/bullmq too: services get BullMQ through @migsim/transport/nest (MigsimQueueModule, BullmqTransport).
  it.each(['bullmq', 'ioredis', '@nestjs/bullmq'])('importing %s in a service is rejected', async (name) => {
    const code = `import * as client from '${name}';\nexport const c = client;\n`;
    expect(await ruleIdsFor(code, 'apps/controller/src/bad.ts')).toContain('no-restricted-imports');
  });

  it('the same import is allowed in libs/transport', async () => {
    expect(await ruleIdsFor("import * as client from 'ioredis';\nexport const c = client;\n", 'libs/transport/src/ok.ts')).toEqual([]);
  });
});

describe('architecture rules: dependency direction', () => {
  it('a lower library may not import a higher one (mmu -> migration)', async () => {
    const code = "import type { QueryMigrateInfo } from '@migsim/migration';\nexport type X = QueryMigrateInfo;\n";
    expect(await ruleIdsFor(code, 'libs/mmu/src/bad.ts')).toContain('@nx/enforce-module-boundaries');
  });

  it('an app may not reach into another app', async () => {
    const code = "import { runSimulate } from '../../cli/src/commands/simulate';\nexport const r = runSimulate;\n";
    expect(await ruleIdsFor(code, 'apps/controller/src/bad.ts')).toContain('@nx/enforce-module-boundaries');
  });

  it('a higher library may import a lower one (migration -> mmu)', async () => {
    const code = "import type { QueryMigrateInfo } from '@migsim/migration';\nexport type X = QueryMigrateInfo;\n";
    expect(await ruleIdsFor(code, 'libs/sim/src/ok.ts')).toEqual([]);
  });
});
