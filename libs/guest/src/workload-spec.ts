import { GuestError } from './errors';

/** Bytes in one guest frame (gfn); the unit of every page count here. */
export const GUEST_PAGE_BYTES = 4096;

/**
 * How the guest picks the pages it writes inside its write working set.
 * - `uniform`: every page equally likely (repeats allowed).
 * - `zipf`: page of popularity rank k is written with weight k^-s; ranks are
 *   scattered over the write working set (see `write-stream.ts`).
 * - `hot-cold`: `hotAccessShare` of the writes go to the first
 *   `hotFraction` of the write working set, the rest to the other pages.
 * - `sequential`: a pointer sweeps the write working set at exactly the
 *   configured rate of distinct pages and wraps around.
 */
export type AccessPattern = 'uniform' | 'zipf' | 'hot-cold' | 'sequential';

export interface WorkloadSpec {
  vcpus: number;
  memoryBytes: number;
  /** Memory the guest reads and writes; the rest is never touched. */
  workingSetBytes: number;
  /** Memory the guest writes: the first part of the working set. */
  writeWorkingSetBytes: number;
  pattern: AccessPattern;
  /**
   * Page-write rate in bytes/s (pages x 4096) while the vCPUs run
   * unthrottled: distinct pages/s for `sequential`; for the other patterns
   * write hits, which may repeat pages.
   */
  dirtyRateBytesPerSec: number;
  /** Share of memory accesses that are stores (they go to the write working set). */
  writeFraction?: number;
  /**
   * Memory accesses per second per vCPU that land on an arbitrary place of
   * the working set (what the TLB sees once spatial locality is taken out),
   * measured on the baseline VM.
   */
  accessesPerSecPerVcpu?: number;
  zipfExponent?: number;
  hotFraction?: number;
  hotAccessShare?: number;
  /** Share of guest memory backed by guest transparent huge pages (0..1). */
  guestThpFraction?: number;
}

/** A workload with every optional field filled in. */
export type ResolvedWorkloadSpec = Required<WorkloadSpec>;

/**
 * Documented defaults. Choices, not measurements:
 * - 4 vCPUs; working set = all memory; write working set = a quarter of it.
 * - 32 MiB/s of page writes, uniform.
 * - writeFraction 0.3: about one store for every two loads, a common
 *   instruction mix for server code.
 * - 10 M TLB-relevant accesses/s per vCPU: one access to a new random place
 *   every 100 ns, a memory-intensive (key-value store like) workload.
 * - zipfExponent 1.0: the classic Zipf law (YCSB uses 0.99).
 * - hot-cold 90/10: 90 % of the writes go to 10 % of the pages.
 * - guestThpFraction 0.5: THP enabled in the guest but not covering all of
 *   its memory (fragmentation, file pages, page tables).
 */
export const WORKLOAD_DEFAULTS = {
  vcpus: 4,
  writeWorkingSetShare: 0.25,
  pattern: 'uniform' as AccessPattern,
  dirtyRateBytesPerSec: 32 * 1024 * 1024,
  writeFraction: 0.3,
  accessesPerSecPerVcpu: 10_000_000,
  zipfExponent: 1.0,
  hotFraction: 0.1,
  hotAccessShare: 0.9,
  guestThpFraction: 0.5,
} as const;

const PATTERNS: readonly AccessPattern[] = ['uniform', 'zipf', 'hot-cold', 'sequential'];

function pageAlignDown(bytes: number): number {
  return Math.floor(bytes / GUEST_PAGE_BYTES) * GUEST_PAGE_BYTES;
}

/** Fills in the documented defaults and checks the result (throws `GuestError` INVALID_WORKLOAD). */
export function workloadSpec(
  partial: Partial<WorkloadSpec> & Pick<WorkloadSpec, 'memoryBytes'>,
): ResolvedWorkloadSpec {
  const memoryBytes = pageAlignDown(partial.memoryBytes);
  const workingSetBytes = pageAlignDown(partial.workingSetBytes ?? memoryBytes);
  const defaultWriteSet = Math.max(
    GUEST_PAGE_BYTES,
    pageAlignDown(workingSetBytes * WORKLOAD_DEFAULTS.writeWorkingSetShare),
  );
  const spec: ResolvedWorkloadSpec = {
    vcpus: partial.vcpus ?? WORKLOAD_DEFAULTS.vcpus,
    memoryBytes,
    workingSetBytes,
    writeWorkingSetBytes: pageAlignDown(partial.writeWorkingSetBytes ?? defaultWriteSet),
    pattern: partial.pattern ?? WORKLOAD_DEFAULTS.pattern,
    dirtyRateBytesPerSec: partial.dirtyRateBytesPerSec ?? WORKLOAD_DEFAULTS.dirtyRateBytesPerSec,
    writeFraction: partial.writeFraction ?? WORKLOAD_DEFAULTS.writeFraction,
    accessesPerSecPerVcpu: partial.accessesPerSecPerVcpu ?? WORKLOAD_DEFAULTS.accessesPerSecPerVcpu,
    zipfExponent: partial.zipfExponent ?? WORKLOAD_DEFAULTS.zipfExponent,
    hotFraction: partial.hotFraction ?? WORKLOAD_DEFAULTS.hotFraction,
    hotAccessShare: partial.hotAccessShare ?? WORKLOAD_DEFAULTS.hotAccessShare,
    guestThpFraction: partial.guestThpFraction ?? WORKLOAD_DEFAULTS.guestThpFraction,
  };
  validateWorkload(spec);
  return spec;
}

function invalid(field: string, expected: string, actual: unknown): never {
  throw new GuestError('INVALID_WORKLOAD', `workload.${field}: expected ${expected}, got ${String(actual)}`);
}

function checkShare(field: keyof WorkloadSpec, value: number, openLow = false, openHigh = false): void {
  const lowOk = openLow ? value > 0 : value >= 0;
  const highOk = openHigh ? value < 1 : value <= 1;
  if (!Number.isFinite(value) || !lowOk || !highOk) {
    invalid(field, `a number in ${openLow ? '(' : '['}0, 1${openHigh ? ')' : ']'}`, value);
  }
}

/** Checks a fully resolved workload; throws `GuestError` INVALID_WORKLOAD naming the field. */
export function validateWorkload(spec: ResolvedWorkloadSpec): void {
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1) invalid('vcpus', 'an integer >= 1', spec.vcpus);
  if (!(spec.memoryBytes >= GUEST_PAGE_BYTES)) invalid('memoryBytes', `at least ${GUEST_PAGE_BYTES} bytes`, spec.memoryBytes);
  if (!(spec.workingSetBytes >= GUEST_PAGE_BYTES && spec.workingSetBytes <= spec.memoryBytes)) {
    invalid('workingSetBytes', `between one page and memoryBytes (${spec.memoryBytes})`, spec.workingSetBytes);
  }
  if (!(spec.writeWorkingSetBytes >= GUEST_PAGE_BYTES && spec.writeWorkingSetBytes <= spec.workingSetBytes)) {
    invalid('writeWorkingSetBytes', `between one page and workingSetBytes (${spec.workingSetBytes})`, spec.writeWorkingSetBytes);
  }
  if (!PATTERNS.includes(spec.pattern)) invalid('pattern', PATTERNS.join(' | '), spec.pattern);
  if (!(Number.isFinite(spec.dirtyRateBytesPerSec) && spec.dirtyRateBytesPerSec >= 0)) {
    invalid('dirtyRateBytesPerSec', 'a finite number >= 0', spec.dirtyRateBytesPerSec);
  }
  checkShare('writeFraction', spec.writeFraction);
  if (!(Number.isFinite(spec.accessesPerSecPerVcpu) && spec.accessesPerSecPerVcpu > 0)) {
    invalid('accessesPerSecPerVcpu', 'a finite number > 0', spec.accessesPerSecPerVcpu);
  }
  if (!(Number.isFinite(spec.zipfExponent) && spec.zipfExponent > 0)) invalid('zipfExponent', 'a number > 0', spec.zipfExponent);
  checkShare('hotFraction', spec.hotFraction, true, true);
  checkShare('hotAccessShare', spec.hotAccessShare);
  checkShare('guestThpFraction', spec.guestThpFraction);
}
