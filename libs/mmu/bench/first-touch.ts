/**
 * What fresh memory costs on this machine, measured inside the bench process:
 * the first write to a fresh 4 KiB page takes a page fault (the kernel zeroes
 * and maps a page; on some virtual machines that costs several µs), a second
 * write to the same page does not. Bench operations that write memory the
 * process never touched pay that cost on top of their own work.
 */
import { spawnSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

export const PAGE_BYTES = 4096;
const PROBE_BYTES = 512 * 2 ** 20;

export interface FirstTouchSample {
  /** Allocate a fresh buffer and write every byte of it. */
  firstWriteMs: number;
  /** Write every byte of the same buffer again. */
  rewriteMs: number;
  /** (first write - rewrite) per fresh 4 KiB page. */
  usPerPage: number;
}

/**
 * Run the bench in a child process whose allocator maps every large array
 * fresh: glibc raises its mmap threshold after freeing a large block and then
 * serves the next ones from memory a dead model already touched, which would
 * make a "cold" model warm by accident. A fixed threshold (the environment
 * variable turns the adaptation off) keeps each new model's arrays untouched.
 * Returns true in the parent, which has nothing left to do.
 */
export function reexecWithFreshAllocations(): boolean {
  if (process.env['MALLOC_MMAP_THRESHOLD_'] !== undefined) return false;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: String(128 * 1024) },
  });
  process.exitCode = child.status ?? 1;
  return true;
}

setFlagsFromString('--expose-gc');
const gcFunction = runInNewContext('gc') as () => void;

/**
 * Full garbage collections until dead array buffers are freed, so that dead
 * models are unmapped before a measurement instead of during it (a free inside
 * an operation would hide the memory it newly touched from the RSS delta). V8
 * frees array buffers on a background thread after a collection; the next
 * collection waits for that, hence more than one.
 */
export function collectGarbage(): void {
  let held = process.memoryUsage().arrayBuffers;
  for (let k = 0; k < 4; k++) {
    gcFunction();
    const now = process.memoryUsage().arrayBuffers;
    if (k > 0 && now >= held) return;
    held = now;
  }
}

/** Resident set size in bytes: pages the process has touched and still holds. */
export function residentBytes(): number {
  return process.memoryUsage.rss();
}

/** One probe: allocate and write a fresh 512 MiB buffer, then write it again. */
export function probeFirstTouch(): FirstTouchSample {
  collectGarbage();
  const t0 = performance.now();
  const buffer = new Uint8Array(PROBE_BYTES);
  buffer.fill(1);
  const t1 = performance.now();
  buffer.fill(2);
  const t2 = performance.now();
  const firstWriteMs = t1 - t0;
  const rewriteMs = t2 - t1;
  return { firstWriteMs, rewriteMs, usPerPage: ((firstWriteMs - rewriteMs) * 1000) / (PROBE_BYTES / PAGE_BYTES) };
}

export const PROBE_MIB = PROBE_BYTES / 2 ** 20;
