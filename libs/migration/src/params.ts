import { MigrationError } from './errors';

/** Which algorithm drives the migration: QEMU's, or a peer kept for side-by-side comparison. */
export type MigrationAlgorithm = 'qemu-precopy' | 'xen' | 'simgrid' | 'cloudsim';

export const MIGRATION_ALGORITHMS: readonly MigrationAlgorithm[] = ['qemu-precopy', 'xen', 'simgrid', 'cloudsim'];

/** QEMU migration capabilities (`migrate-set-capabilities`) this model honours. */
export interface MigrationCapabilities {
  'auto-converge': boolean;
  'postcopy-ram': boolean;
}

/**
 * What migsim assumes about the guest and the transport, beyond QEMU's own
 * parameters. Every default keeps closed forms exact.
 */
export interface MigrationModelParameters {
  /**
   * Non-iterable device state (CPU, devices) sent once the VM is paused: the
   * `must_precopy` part of `qemu_savevm_state_pending_exact` once RAM can
   * be post-copied. Default 0.
   */
  deviceStateBytes: number;
  /**
   * Share of guest RAM, at the top of RAM (the highest RAM offsets), that
   * holds zero pages until the guest writes them; a zero page costs 9 bytes
   * on the wire, a page the guest wrote during the migration is always
   * normal. Default 0 (no zero page).
   */
  zeroPageFraction: number;
  /**
   * Bytes QEMU may have written into the kernel socket before the link
   * carried them (tcp_wmem autotuning maximum, 4 MiB on Linux): sending blocks
   * beyond this, which is how a link slower than `max-bandwidth` paces QEMU.
   */
  socketBufferBytes: number;
  /** Largest page batch the machine emits (a queue job in the distributed driver). */
  batchBytesMax: number;
}

/** Xen (tools/libxc/xc_domain_save.c, Xen <= 4.5) stop conditions. */
export interface XenParameters {
  /** DEF_MAX_ITERS: after this many iterations the next one is the last. */
  maxIterations: number;
  /** DEF_MAX_FACTOR: stop once more than this many times the memory was sent. */
  maxFactor: number;
  /** `sent_this_iter + skip_this_iter < 50`: stop when an iteration sent fewer pages. */
  minPagesPerIteration: number;
}

/** SimGrid (src/plugins/vm/VmLiveMigration.cpp) fluid model. */
export interface SimgridParameters {
  /** `max_downtime` default 0.03 s. */
  maxDowntimeMs: number;
  /** `sg_vm_create_migratable`: the working set (cap of updated bytes per stage) is 90 % of RAM. */
  workingSetFraction: number;
}

/** CloudSim (PowerDatacenter / VmSchedulerTimeShared) fixed-delay model. */
export interface CloudsimParameters {
  /** The delay is RAM / (bandwidth x share): CloudSim uses half the host bandwidth. */
  bandwidthShare: number;
  /** VmSchedulerTimeShared: a migrating VM gets 90 % of its MIPS. */
  cpuOverhead: number;
}

/** Parameters named as QEMU names them (`migrate-set-parameters`), plus the algorithm and model knobs. */
export interface MigrationParameters {
  algorithm: MigrationAlgorithm;
  /** ms; QEMU DEFAULT_MIGRATE_SET_DOWNTIME = 300. */
  'downtime-limit': number;
  /** bytes/s; QEMU MAX_THROTTLE = 128 MiB/s. Enforced per 100 ms window. */
  'max-bandwidth': number;
  /** bytes/s during post-copy; 0 = unlimited (QEMU default). */
  'max-postcopy-bandwidth': number;
  /** percent; QEMU DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL = 20. */
  'cpu-throttle-initial': number;
  /** percent; QEMU DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT = 10. */
  'cpu-throttle-increment': number;
  /** percent; QEMU DEFAULT_MIGRATE_MAX_CPU_THROTTLE = 99. */
  'max-cpu-throttle': number;
  /** percent; QEMU DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD = 50. */
  'throttle-trigger-threshold': number;
  capabilities: MigrationCapabilities;
  /**
   * Not a QEMU capability: QEMU >= 3.0 always pauses a post-copy whose
   * channel fails (`postcopy_pause` -> `postcopy-paused`). This says whether
   * the management layer recovers it (`migrate-recover` on the destination,
   * `migrate resume=true` on the source). When false, a post-copy failure
   * loses the VM.
   */
  'postcopy-recovery': boolean;
  model: MigrationModelParameters;
  xen: XenParameters;
  simgrid: SimgridParameters;
  cloudsim: CloudsimParameters;
}

/** What callers pass: any subset, nested sections partial too. */
export type MigrationParametersInput = Partial<
  Omit<MigrationParameters, 'capabilities' | 'model' | 'xen' | 'simgrid' | 'cloudsim'>
> & {
  capabilities?: Partial<MigrationCapabilities>;
  model?: Partial<MigrationModelParameters>;
  xen?: Partial<XenParameters>;
  simgrid?: Partial<SimgridParameters>;
  cloudsim?: Partial<CloudsimParameters>;
};

export const DEFAULT_MIGRATION_PARAMETERS: Readonly<MigrationParameters> = Object.freeze({
  algorithm: 'qemu-precopy',
  'downtime-limit': 300,
  'max-bandwidth': 128 * 1024 * 1024,
  'max-postcopy-bandwidth': 0,
  'cpu-throttle-initial': 20,
  'cpu-throttle-increment': 10,
  'max-cpu-throttle': 99,
  'throttle-trigger-threshold': 50,
  capabilities: Object.freeze({ 'auto-converge': false, 'postcopy-ram': false }),
  'postcopy-recovery': false,
  model: Object.freeze({
    deviceStateBytes: 0,
    zeroPageFraction: 0,
    socketBufferBytes: 4 * 1024 * 1024,
    batchBytesMax: 4 * 1024 * 1024,
  }),
  xen: Object.freeze({ maxIterations: 29, maxFactor: 3, minPagesPerIteration: 50 }),
  simgrid: Object.freeze({ maxDowntimeMs: 30, workingSetFraction: 0.9 }),
  cloudsim: Object.freeze({ bandwidthShare: 0.5, cpuOverhead: 0.1 }),
}) as MigrationParameters;

/**
 * QEMU's ranges of the parameters a scenario can set (migration/options.c
 * `migrate_params_check`): `migrationParameters()` enforces them, and the
 * scenario loader enforces the same bounds, naming the file and the path.
 */
export const QEMU_PARAMETER_RANGES = Object.freeze({
  /** ms (MAX_MIGRATE_DOWNTIME_SECONDS = 2000 s). */
  'downtime-limit': Object.freeze({ min: 0, max: 2_000_000 }),
  /** bytes/s, a whole number in QEMU (a scenario's 0 means unlimited: the largest value). */
  'max-bandwidth': Object.freeze({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  'cpu-throttle-initial': Object.freeze({ min: 1, max: 99 }),
  'cpu-throttle-increment': Object.freeze({ min: 1, max: 99 }),
  'max-cpu-throttle': Object.freeze({ min: 1, max: 99 }),
});

/** Fills defaults and validates; throws MigrationError(MIGRATION_INVALID_PARAMETER) naming the parameter. */
export function migrationParameters(input: MigrationParametersInput = {}): MigrationParameters {
  const d = DEFAULT_MIGRATION_PARAMETERS;
  const params: MigrationParameters = {
    ...d,
    ...stripUndefined(input),
    capabilities: { ...d.capabilities, ...stripUndefined(input.capabilities ?? {}) },
    model: { ...d.model, ...stripUndefined(input.model ?? {}) },
    xen: { ...d.xen, ...stripUndefined(input.xen ?? {}) },
    simgrid: { ...d.simgrid, ...stripUndefined(input.simgrid ?? {}) },
    cloudsim: { ...d.cloudsim, ...stripUndefined(input.cloudsim ?? {}) },
  };
  validate(params);
  return params;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(p: MigrationParameters): void {
  if (!MIGRATION_ALGORITHMS.includes(p.algorithm)) {
    fail('algorithm', `one of ${MIGRATION_ALGORITHMS.join(', ')}`, p.algorithm);
  }
  // Ranges from QEMU migration/options.c migrate_params_check.
  const ranges = QEMU_PARAMETER_RANGES;
  range('downtime-limit', p['downtime-limit'], ranges['downtime-limit'].min, ranges['downtime-limit'].max);
  range('max-bandwidth', p['max-bandwidth'], ranges['max-bandwidth'].min, ranges['max-bandwidth'].max);
  range('max-postcopy-bandwidth', p['max-postcopy-bandwidth'], 0, Number.MAX_SAFE_INTEGER);
  for (const name of ['cpu-throttle-initial', 'cpu-throttle-increment', 'max-cpu-throttle'] as const) integer(name, p[name], ranges[name].min, ranges[name].max);
  integer('throttle-trigger-threshold', p['throttle-trigger-threshold'], 1, 100);
  for (const key of ['auto-converge', 'postcopy-ram'] as const) {
    if (typeof p.capabilities[key] !== 'boolean') fail(`capabilities.${key}`, 'a boolean', p.capabilities[key]);
  }
  if (typeof p['postcopy-recovery'] !== 'boolean') fail('postcopy-recovery', 'a boolean', p['postcopy-recovery']);
  range('model.deviceStateBytes', p.model.deviceStateBytes, 0, Number.MAX_SAFE_INTEGER);
  range('model.zeroPageFraction', p.model.zeroPageFraction, 0, 1);
  range('model.socketBufferBytes', p.model.socketBufferBytes, 4096, Number.MAX_SAFE_INTEGER);
  range('model.batchBytesMax', p.model.batchBytesMax, 4096, Number.MAX_SAFE_INTEGER);
  integer('xen.maxIterations', p.xen.maxIterations, 1, 1_000_000);
  range('xen.maxFactor', p.xen.maxFactor, 1, 1_000_000);
  integer('xen.minPagesPerIteration', p.xen.minPagesPerIteration, 0, Number.MAX_SAFE_INTEGER);
  range('simgrid.maxDowntimeMs', p.simgrid.maxDowntimeMs, Number.MIN_VALUE, 2_000_000);
  range('simgrid.workingSetFraction', p.simgrid.workingSetFraction, 0, 1);
  range('cloudsim.bandwidthShare', p.cloudsim.bandwidthShare, Number.MIN_VALUE, 1);
  range('cloudsim.cpuOverhead', p.cloudsim.cpuOverhead, 0, 0.99);
}

function range(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(name, `a number in [${min}, ${max}]`, value);
  }
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) fail(name, `an integer in [${min}, ${max}]`, value);
}

function fail(name: string, expected: string, got: unknown): never {
  throw new MigrationError('MIGRATION_INVALID_PARAMETER', `migration parameter \`${name}\`: expected ${expected}, got ${JSON.stringify(got)}`);
}
