/**
 * libs/mmu benchmark: wall time of the heavy MMU operations on a fully split,
 * dirty-logged, THP-backed guest (1 TiB by default), and the model's memory.
 *
 *   npm run bench:mmu -- [--json] [--guest-gib N] [--reps N]
 *
 * Human lines first; with --json the last line is one JSON object. Exits 1 when
 * a target is missed.
 */
import { kernelProfile, PAGES_PER_1G, VmMmu, type KernelProfile, type RecoveryStrategy } from '../src/index';

const OP_MS_MAX = 150;
const MIB = 2 ** 20;

interface Args {
  json: boolean;
  guestGiB: number;
  reps: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, guestGiB: 1024, reps: 3 };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--json') args.json = true;
    else if (arg === '--guest-gib') args.guestGiB = Number(argv[++k]);
    else if (arg === '--reps') args.reps = Number(argv[++k]);
    else if (arg === '--') continue;
    else throw new Error(`unknown argument ${arg} (expected --json, --guest-gib N, --reps N)`);
  }
  if (!Number.isInteger(args.guestGiB) || args.guestGiB < 1) throw new Error('--guest-gib needs a positive integer');
  if (!Number.isInteger(args.reps) || args.reps < 1) throw new Error('--reps needs a positive integer');
  return args;
}

function vm(guestGiB: number, profile: Partial<KernelProfile>): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile(profile), vcpus: 64 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: guestGiB * PAGES_PER_1G, hvaPage: 0 });
  mmu.populate();
  return mmu;
}

/** All huge, then split and logged by eager page splitting. */
function splitLogged(guestGiB: number, recovery: RecoveryStrategy): VmMmu {
  const mmu = vm(guestGiB, { eagerSplit: true, recovery });
  mmu.setDirtyLogging(0, true);
  return mmu;
}

/** Fully split to 4K but not logged: split by guest writes under logging, then logging stopped with no recovery. */
function splitUnlogged(guestGiB: number): VmMmu {
  const mmu = vm(guestGiB, { eagerSplit: false, recovery: 'none', hugeWriteUnderLogging: 'split-in-place' });
  mmu.setDirtyLogging(0, true);
  mmu.accessRange(0, guestGiB * PAGES_PER_1G, true);
  mmu.setDirtyLogging(0, false);
  return mmu;
}

/** Median wall ms of `reps` runs of `op`, each on a fresh model from `build`. */
function measure<T>(reps: number, build: () => T, op: (model: T) => void): number {
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const model = build();
    const t0 = performance.now();
    op(model);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return round(samples[Math.floor(samples.length / 2)]!);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const { guestGiB, reps } = args;
  const pages = guestGiB * PAGES_PER_1G;
  const say = (line: string) => console.log(line);
  say(`libs/mmu bench: ${guestGiB} GiB THP-backed guest, 64 vCPUs, median of ${reps} runs per operation`);

  const huge = vm(guestGiB, {});
  const modelBytesHuge = huge.modelBytes();
  const logged = splitLogged(guestGiB, 'zap-rmap');
  const modelBytesSplit = logged.modelBytes();
  const t0 = performance.now();
  const write = logged.accessRange(0, pages, true, 1);
  const accessRangeMs = round(performance.now() - t0);
  const t1 = performance.now();
  const log = logged.getDirtyLog(0);
  const getDirtyLogMs = round(performance.now() - t1);
  if (log.dirtyPageCount !== pages || write.pmlFullExits === 0) throw new Error('bench state is not what it claims: every page should be dirty');

  const enableLoggingMs = measure(reps, () => splitUnlogged(guestGiB), (m) => m.setDirtyLogging(0, true));
  const eagerSplitMs = measure(reps, () => vm(guestGiB, { eagerSplit: true }), (m) => m.setDirtyLogging(0, true));
  const zapRmapMs = measure(reps, () => splitLogged(guestGiB, 'zap-rmap'), (m) => m.setDirtyLogging(0, false));
  const recoverInPlaceMs = measure(reps, () => splitLogged(guestGiB, 'recover-in-place'), (m) => m.setDirtyLogging(0, false));
  const zapTdpMs = measure(1, () => splitLogged(guestGiB, 'zap-tdp'), (m) => m.setDirtyLogging(0, false));
  const zapMaxLevelMs = measure(1, () => splitLogged(guestGiB, 'zap-max-level'), (m) => m.setDirtyLogging(0, false));

  const targets = { opMsMax: OP_MS_MAX, splitBytesMax: (160 * MIB * guestGiB) / 1024, hugeBytesMax: (8 * MIB * guestGiB) / 1024 };
  const opMs = { enableLoggingMs, eagerSplitMs, zapRmapMs, recoverInPlaceMs };
  const misses: string[] = [];
  for (const [name, ms] of Object.entries(opMs)) if (ms > OP_MS_MAX) misses.push(`${name} ${ms} ms > ${OP_MS_MAX} ms`);
  if (modelBytesSplit > targets.splitBytesMax) misses.push(`modelBytesSplit ${modelBytesSplit} > ${targets.splitBytesMax}`);
  if (modelBytesHuge > targets.hugeBytesMax) misses.push(`modelBytesHuge ${modelBytesHuge} > ${targets.hugeBytesMax}`);
  const pass = misses.length === 0;

  say(`  enable logging on the fully split guest (clear every D bit): ${enableLoggingMs} ms`);
  say(`  enable logging with eager split (split every 2M page):      ${eagerSplitMs} ms`);
  say(`  disable logging, zap-rmap:                                  ${zapRmapMs} ms`);
  say(`  disable logging, recover-in-place:                          ${recoverInPlaceMs} ms`);
  say(`  disable logging, zap-tdp / zap-max-level (one run each):    ${zapTdpMs} / ${zapMaxLevelMs} ms`);
  say(`  accessRange: sequential write of every page (PML):          ${accessRangeMs} ms (${round(pages / accessRangeMs / 1000)} M pages/s)`);
  say(`  getDirtyLog of a fully dirty slot:                          ${getDirtyLogMs} ms`);
  say(`  model memory: split+logged ${round(modelBytesSplit / MIB)} MiB (max ${round(targets.splitBytesMax / MIB)}), all huge ${round(modelBytesHuge / MIB)} MiB (max ${round(targets.hugeBytesMax / MIB)})`);
  say(pass ? '  all targets met' : `  MISSED: ${misses.join('; ')}`);
  if (args.json) {
    say(JSON.stringify({ guestGiB, ...opMs, zapTdpMs, zapMaxLevelMs, accessRangeMs, getDirtyLogMs, modelBytesSplit, modelBytesHuge, targets, pass }));
  }
  if (!pass) process.exitCode = 1;
}

main();
