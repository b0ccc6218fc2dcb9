import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimgridPeerError } from './simgrid-peer-error';

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, collecting its output; never throws on a non-zero exit. */
export function runProcess(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode, signal) =>
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const LIVE_MIGRATION_HEADER = '/usr/include/simgrid/plugins/live_migration.h';

/**
 * Makes sure a Debian package is there: installs it with apt-get when this
 * process is root and apt-get exists (saying so on stderr), otherwise throws
 * an error that names the package to install.
 */
async function ensureDebianPackage(packageName: string, isPresent: () => boolean): Promise<void> {
  if (isPresent()) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || findExecutable('apt-get') === undefined) {
    throw new SimgridPeerError(
      'SIMGRID_PACKAGE_MISSING',
      `the SimGrid peer needs the Debian package ${packageName}: run 'apt-get install ${packageName}' as root`,
    );
  }
  process.stderr.write(`simgrid-peer: ${packageName} is missing; installing it with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => runProcess('apt-get', ['install', '-y', '-q', packageName], env);
  let result = await install();
  if (result.exitCode !== 0) {
    // A fresh machine may have no package lists yet.
    await runProcess('apt-get', ['update', '-q'], env);
    result = await install();
  }
  if (result.exitCode !== 0 || !isPresent()) {
    throw new SimgridPeerError(
      'SIMGRID_PACKAGE_MISSING',
      `apt-get could not install ${packageName} (exit ${result.exitCode}):\n${result.stderr.trim()}`,
    );
  }
}

/** The installed SimGrid version, e.g. `3.32-2+b2` (Debian) or `3.32` (pkg-config). */
export async function simgridVersion(): Promise<string> {
  if (findExecutable('dpkg-query') !== undefined) {
    const dpkg = await runProcess('dpkg-query', ['-W', '-f=${Version}', 'libsimgrid-dev']);
    if (dpkg.exitCode === 0 && dpkg.stdout.trim() !== '') return dpkg.stdout.trim();
  }
  if (findExecutable('pkg-config') !== undefined) {
    const pkgConfig = await runProcess('pkg-config', ['--modversion', 'simgrid']);
    if (pkgConfig.exitCode === 0) return pkgConfig.stdout.trim();
  }
  return 'unknown';
}

const SOURCE_PATH = fileURLToPath(new URL('./study.cpp', import.meta.url));
const COMPILE_FLAGS = ['-O2', '-std=c++17'];

/**
 * Installs what the build needs, then compiles study.cpp once into
 * `<tmpdir>/migsim-simgrid-<hash>/study`, keyed by the source, the flags and
 * the SimGrid version, and returns the binary's path and that version.
 */
export async function buildSimgridStudy(): Promise<{ binaryPath: string; simgridVersion: string }> {
  await ensureDebianPackage('libsimgrid-dev', () => existsSync(LIVE_MIGRATION_HEADER));
  await ensureDebianPackage('g++', () => findExecutable('g++') !== undefined);
  const version = await simgridVersion();

  const source = readFileSync(SOURCE_PATH, 'utf8');
  const hash = createHash('sha256').update(`${source}\0${COMPILE_FLAGS.join(' ')}\0${version}`).digest('hex');
  const cacheDir = join(tmpdir(), `migsim-simgrid-${hash.slice(0, 16)}`);
  const binaryPath = join(cacheDir, 'study');
  if (existsSync(binaryPath)) return { binaryPath, simgridVersion: version };

  mkdirSync(cacheDir, { recursive: true });
  // Compile beside the final name and rename, so a concurrent run never
  // executes a half-written binary.
  const partialPath = `${binaryPath}.${process.pid}.partial`;
  const result = await runProcess('g++', [...COMPILE_FLAGS, '-o', partialPath, SOURCE_PATH, '-lsimgrid']);
  if (result.exitCode !== 0) {
    throw new SimgridPeerError('SIMGRID_COMPILE_FAILED', `g++ failed on ${SOURCE_PATH}:\n${result.stderr.trim()}`);
  }
  renameSync(partialPath, binaryPath);
  return { binaryPath, simgridVersion: version };
}
