import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyMutation, mutationArbitrary } from './testing/scenario-mutations';

/**
 * `migsim validate` and `migsim simulate` agree on every file: mutated shipped
 * scenarios (fields dropped, duplicated, retyped, extreme numbers, huge
 * counts, documented faults) are accepted by both or refused by both with
 * the same message, every exit code is 0, 1 or 2 (never 3, never a stack
 * trace), and every run ends within a bounded time. Each command runs as a
 * user runs it, in its own process, with a CPU-time limit (`ulimit -t`: the
 * kernel stops it past the bound, however loaded the machine is) and a
 * wall-clock one as a safety net.
 *
 * The files come from a fixed seed, so `npm test` tries the same 18 files
 * on every machine and a failure reproduces (as Hypothesis derandomizes in
 * CI). MIGSIM_PROPERTY_SEED=random tries new ones (fast-check prints the
 * seed of a failure), MIGSIM_PROPERTY_SEED=<n> replays one, and
 * MIGSIM_PROPERTY_RUNS sets how many files to try.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const main = join(repoRoot, 'apps', 'cli', 'src', 'main.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');
const work = mkdtempSync(join(tmpdir(), 'migsim-mutations-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * CPU seconds a run may use: more is a failure of the property, not a slow
 * test. The largest files it makes (20,000 hosts under chaos-policies.yaml's
 * random faults, four variants) take about 14 s on a 2-core machine; a 64 GiB
 * VM whose eager split copied its leaf tables quadratically took 32 s.
 */
const RUN_CPU_SECONDS = 30;
/** Wall-clock safety net for a machine so loaded that CPU time hardly accrues. */
const RUN_WALL_MS = 180_000;
const RUNS = Number(process.env.MIGSIM_PROPERTY_RUNS ?? 18);
/** The seed `npm test` uses (see above). */
const FIXED_SEED = 20_261_206;
/** What the children may give their models: far below a CI machine's memory, so a test never takes the machine down. */
const MODEL_MEMORY_LIMIT = '1GiB';

const scenariosDir = join(repoRoot, 'scenarios');
const shipped = readdirSync(scenariosDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, document: parse(readFileSync(join(scenariosDir, name), 'utf8')) as unknown }));

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function migsim(args: readonly string[]): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const command = ['exec', process.execPath, '--conditions=development', '--import', tsx, main, ...args].map(quote).join(' ');
    const child = spawn('/bin/sh', ['-c', `ulimit -t ${RUN_CPU_SECONDS}; ${command}`], {
      cwd: repoRoot,
      env: { ...process.env, MIGSIM_DEBUG: '', MIGSIM_MODEL_MEMORY_LIMIT: MODEL_MEMORY_LIMIT },
      timeout: RUN_WALL_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) }));
  });
}

const STACK_LINE = /\n\s+at .+:\d+/;

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

let caseNumber = 0;

describe('migsim validate and simulate on mutated shipped scenarios', () => {
  it('agree, exit 0, 1 or 2 with the file named, and end within the bound', async () => {
    const seedText = process.env.MIGSIM_PROPERTY_SEED;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: shipped.length - 1 }), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const base = shipped[which]!;
        const document = mutations.reduce(applyMutation, base.document);
        caseNumber += 1;
        const file = join(work, `case-${caseNumber}-${base.name.replace(/\.yaml$/, '.json')}`);
        writeFileSync(file, JSON.stringify(document, null, 2));
        const [validate, simulate] = await Promise.all([migsim(['validate', file]), migsim(['simulate', file, '--format', 'json'])]);
        const context = { base: base.name, mutations, validate: { ...validate, stdout: validate.stdout.slice(0, 300) }, simulate: { ...simulate, stdout: simulate.stdout.slice(0, 300) } };
        const message = JSON.stringify(context, null, 1);
        expect(validate.signal, `validate was stopped (past ${RUN_CPU_SECONDS} s of CPU, or ${RUN_WALL_MS} ms): ${message}`).toBeNull();
        expect(simulate.signal, `simulate was stopped (past ${RUN_CPU_SECONDS} s of CPU, or ${RUN_WALL_MS} ms): ${message}`).toBeNull();
        expect([0, 2], message).toContain(validate.code);
        expect([0, 1, 2], message).toContain(simulate.code);
        expect(simulate.code === 2, `validate and simulate disagree: ${message}`).toBe(validate.code === 2);
        for (const run of [validate, simulate]) {
          expect(run.stderr, message).not.toMatch(/internal error/);
          expect(run.stderr, message).not.toMatch(STACK_LINE);
          if (run.code === 2) expect(run.stderr.startsWith(`${file}: `), message).toBe(true);
        }
        if (validate.code === 2) expect(simulate.stderr, message).toBe(validate.stderr);
      }),
      { numRuns: RUNS, endOnFailure: true, ...(seedText === 'random' ? {} : { seed: seedText ? Number(seedText) : FIXED_SEED }) },
    );
  }, RUNS * RUN_WALL_MS);
});
