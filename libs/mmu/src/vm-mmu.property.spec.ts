import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HostBacking } from './host-backing';
import { kernelProfile, RECOVERY_STRATEGIES, type KernelProfile, type RecoveryStrategy } from './kernel-profile';
import { ReferenceMmu } from './testing';
import { PAGES_PER_1G, PAGES_PER_2M, type PageLevel } from './units';
import { VmMmu, type MemslotSpec } from './vm-mmu';

/*
 * Property tests of DESIGN.md section 3's invariants: VmMmu and the simple
 * ReferenceMmu are driven with the same random operations, and after each one
 * the model must agree with the reference:
 * - no guest write is ever missing from the next get-and-clear (the bug that corrupts migrated memory);
 * - no SPTE outside a slot, no huge SPTE where the max mapping level forbids it;
 * - recovery never touches indirect or reserved mappings;
 * - after recovery + touch, every eligible region is huge.
 */

type Op =
  | { kind: 'write' | 'read'; slot: number; at: number; len: number; vcpu: number }
  | { kind: 'enable' | 'disable' | 'get' | 'populate'; slot: number }
  | { kind: 'clear'; slot: number; at: number; len: number }
  | { kind: 'thp-split'; slot: number; at: number; stillCompound: boolean }
  | { kind: 'thp-collapse'; slot: number; at: number }
  | { kind: 'guest-4k'; slot: number; at: number }
  | { kind: 'backing'; slot: number; at: number; len: number; backing: HostBacking };

interface Scenario {
  profile: KernelProfile;
  slots: MemslotSpec[];
  backings: { slot: number; at: number; len: number; backing: HostBacking }[];
  ops: Op[];
}

const profileArb = fc
  .record({
    mmu: fc.constantFrom('tdp' as const, 'shadow' as const),
    pml: fc.boolean(),
    eagerSplit: fc.boolean(),
    initiallySet: fc.boolean(),
    recovery: fc.constantFrom(...RECOVERY_STRATEGIES),
    hugeWriteUnderLogging: fc.constantFrom('drop' as const, 'split-in-place' as const),
    maxHardwareLevel: fc.constantFrom(1 as const, 2 as const, 3 as const),
  })
  .map((p) => kernelProfile(p));

/** One or two small slots: misaligned heads and tails, gfn/hva misalignment, gaps between them. */
const slotsArb = fc
  .array(
    fc.record({
      regions: fc.integer({ min: 1, max: 4 }),
      head: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 511 })),
      tail: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 511 })),
      hvaSkew: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 511 }) }),
      gapRegions: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 2 },
  )
  .map((raw) => {
    const slots: MemslotSpec[] = [];
    let nextRegion = 0;
    raw.forEach((r, id) => {
      nextRegion += r.gapRegions;
      const baseGfn = nextRegion * PAGES_PER_2M + r.head;
      const npages = Math.max(1, r.regions * PAGES_PER_2M - r.head - r.tail);
      // Each slot has its own 1 GiB of hva space; hvaSkew shifts gfn against hva.
      slots.push({ id, baseGfn, npages, hvaPage: (id + 1) * PAGES_PER_1G + r.head + r.hvaSkew });
      nextRegion += r.regions;
    });
    return slots;
  });

const backingArb = fc.constantFrom<HostBacking>('thp', 'thp', 'hugetlb-2m', '4k', 'reserved', 'zone-device');

function opArb(slotCount: number): fc.Arbitrary<Op> {
  const slot = fc.integer({ min: 0, max: slotCount - 1 });
  const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), slot, at, len: fc.integer({ min: 1, max: 1100 }), vcpu: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), slot, at, len: fc.integer({ min: 1, max: 1100 }), vcpu: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('enable' as const), slot }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('disable' as const), slot }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), slot }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('populate' as const), slot }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), slot, at, len: fc.integer({ min: 1, max: 20 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-split' as const), slot, at, stillCompound: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-collapse' as const), slot, at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('guest-4k' as const), slot, at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('backing' as const), slot, at, len: fc.integer({ min: 1, max: 1200 }), backing: backingArb }) },
  );
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.tuple(profileArb, slotsArb).chain(([profile, slots]) =>
  fc.record({
    profile: fc.constant(profile),
    slots: fc.constant(slots),
    backings: fc.array(fc.record({ slot: fc.integer({ min: 0, max: slots.length - 1 }), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), len: fc.integer({ min: 1, max: 1200 }), backing: backingArb }), { maxLength: 4 }),
    ops: fc.array(opArb(slots.length), { minLength: 1, maxLength: 30 }),
  }),
);

/** The VmMmu under test and its reference, driven in lockstep. */
class Harness {
  readonly mmu: VmMmu;
  readonly ref: ReferenceMmu;

  constructor(
    readonly scenario: Pick<Scenario, 'profile' | 'slots'>,
    readonly samplePage: (slot: MemslotSpec, page: number) => boolean = () => true,
  ) {
    this.mmu = new VmMmu({ profile: scenario.profile, vcpus: 3 });
    this.ref = new ReferenceMmu(scenario.profile);
    for (const slot of scenario.slots) {
      this.mmu.addMemslot(slot);
      this.ref.addMemslot(slot);
    }
  }

  backing(slot: MemslotSpec, at: number, len: number, backing: HostBacking): void {
    let hva = slot.hvaPage + Math.floor(at * slot.npages);
    let npages = len;
    if (backing === 'hugetlb-2m') {
      hva = Math.floor(hva / PAGES_PER_2M) * PAGES_PER_2M;
      npages = Math.ceil(len / PAGES_PER_2M) * PAGES_PER_2M;
    }
    this.mmu.setBacking({ hvaPage: hva, npages, backing });
    this.ref.setBacking(hva, npages, backing);
  }

  apply(op: Op): void {
    const slot = this.scenario.slots[op.slot]!;
    const page = 'at' in op ? Math.floor(op.at * slot.npages) : 0;
    switch (op.kind) {
      case 'write':
      case 'read': {
        const len = Math.min(op.len, slot.npages - page);
        this.mmu.accessRange(slot.baseGfn + page, len, op.kind === 'write', op.vcpu);
        if (op.kind === 'write') this.ref.write(slot.baseGfn + page, len);
        return;
      }
      case 'enable':
        this.mmu.setDirtyLogging(slot.id, true);
        this.ref.enableLogging(slot.id);
        return;
      case 'disable':
        this.disable(slot);
        return;
      case 'get':
        if (this.ref.isLogging(slot.id)) this.checkNoLostWrite(slot);
        return;
      case 'populate':
        this.mmu.populate();
        return;
      case 'clear': {
        if (!this.ref.isLogging(slot.id)) return;
        const first = Math.floor(page / 64) * 64;
        const count = Math.min(op.len * 64, slot.npages - first);
        this.mmu.clearDirtyLog(slot.id, first, count);
        this.ref.clearDirtyLog(slot.id, first, count);
        return;
      }
      case 'thp-split':
        this.mmu.hostThpSplit(slot.hvaPage + page, op.stillCompound);
        this.ref.hostThpSplit(slot.hvaPage + page, op.stillCompound);
        return;
      case 'thp-collapse':
        this.mmu.hostThpCollapse(slot.hvaPage + page);
        this.ref.hostThpCollapse(slot.hvaPage + page);
        return;
      case 'guest-4k':
        this.mmu.markGuest4kMapped(slot.baseGfn + page, 1);
        this.ref.markGuest4kMapped(slot.baseGfn + page, 1);
        return;
      case 'backing':
        this.backing(slot, op.at, op.len, op.backing);
        return;
    }
  }

  /** Disable logging; recovery must leave every reserved, zone-device or indirect mapping as it was. */
  disable(slot: MemslotSpec): void {
    const untouchable: [number, string][] = [];
    this.forEachPage(slot, (gfn) => {
      if (this.ref.neverCollapsible(gfn)) untouchable.push([gfn, JSON.stringify(this.mmu.spteInfo(gfn))]);
    });
    this.mmu.setDirtyLogging(slot.id, false);
    this.ref.disableLogging(slot.id);
    for (const [gfn, before] of untouchable) expect(JSON.stringify(this.mmu.spteInfo(gfn)), `recovery touched gfn ${gfn}`).toBe(before);
  }

  checkNoLostWrite(slot: MemslotSpec): void {
    const logged = this.mmu.loggedPageCount(slot.id);
    const { bitmap, dirtyPageCount } = this.mmu.getDirtyLog(slot.id);
    expect(dirtyPageCount, `memslot ${slot.id}: loggedPageCount before the get`).toBe(logged);
    expect(this.ref.missingFromLog(slot.id, bitmap), `writes missing from memslot ${slot.id}'s dirty log`).toEqual([]);
  }

  /** Structure: no SPTE outside a slot, no huge SPTE where forbidden, levels as the reference computes them. */
  checkStructure(countEveryPage = true): void {
    const { mmu, ref } = this;
    let pages = 0;
    const levelPages = [0, 0, 0, 0];
    for (const slot of this.scenario.slots) {
      const logged = ref.isLogging(slot.id);
      pages += slot.npages;
      for (let page = 0; page < slot.npages; page++) {
        const sampled = this.samplePage(slot, page);
        if (!sampled && !countEveryPage) continue;
        const gfn = slot.baseGfn + page;
        const info = mmu.spteInfo(gfn);
        levelPages[info.level]!++;
        if (!sampled) continue;
        const huge = ref.hugeMappingLevel(gfn);
        if (mmu.hugeMappingLevel(gfn) !== huge) expect(`gfn ${gfn}: hugeMappingLevel ${mmu.hugeMappingLevel(gfn)}`).toBe(`gfn ${gfn}: hugeMappingLevel ${huge}`);
        if (mmu.maxMappingLevel(gfn) !== ref.maxMappingLevel(gfn)) expect(`gfn ${gfn}: maxMappingLevel ${mmu.maxMappingLevel(gfn)}`).toBe(`gfn ${gfn}: maxMappingLevel ${ref.maxMappingLevel(gfn)}`);
        if (info.level > huge) expect(`gfn ${gfn}: SPTE level ${info.level}`).toBe(`gfn ${gfn}: SPTE level <= ${huge}`);
        if (logged && !this.scenario.profile.initiallySet && info.level >= 2 && info.writable) expect(`gfn ${gfn}: writable huge SPTE while logging`).toBe('');
      }
      for (const gfn of [slot.baseGfn - 1, slot.baseGfn + slot.npages]) {
        if (gfn >= 0 && !ref.slotOf(gfn)) expect(mmu.mappingLevel(gfn), `SPTE outside every slot at gfn ${gfn}`).toBe(0);
      }
    }
    if (!countEveryPage) return;
    const coverage = mmu.coverage();
    expect(coverage).toEqual({ bytes4k: levelPages[1]! * 4096, bytes2m: levelPages[2]! * 4096, bytes1g: levelPages[3]! * 4096, bytesUnmapped: levelPages[0]! * 4096 });
    expect(pages * 4096).toBe(coverage.bytes4k + coverage.bytes2m + coverage.bytes1g + coverage.bytesUnmapped);
  }

  /** Liveness: logging off everywhere, the guest touches everything, every eligible region is huge. */
  checkRecovered(): void {
    const { mmu, ref } = this;
    for (const slot of this.scenario.slots) if (ref.isLogging(slot.id)) this.disable(slot);
    for (const slot of this.scenario.slots) mmu.accessRange(slot.baseGfn, slot.npages, false);
    const strategy = effectiveStrategy(this.scenario.profile);
    if (strategy === 'none') return;
    for (const slot of this.scenario.slots) {
      this.forEachPage(slot, (gfn) => {
        const huge = ref.hugeMappingLevel(gfn);
        if (huge < 2) return;
        const level = mmu.mappingLevel(gfn);
        const ok =
          strategy === 'zap-rmap'
            ? !ref.compoundHugeBacked(gfn) || level === huge
            : strategy === 'zap-max-level'
              ? level >= 2
              : level === huge;
        if (!ok) expect(`${strategy}: gfn ${gfn} mapped at level ${level} after recovery + touch`).toBe(`level ${huge}`);
      });
    }
  }

  private forEachPage(slot: MemslotSpec, visit: (gfn: number) => void): void {
    for (let page = 0; page < slot.npages; page++) if (this.samplePage(slot, page)) visit(slot.baseGfn + page);
  }
}

function effectiveStrategy(profile: KernelProfile): RecoveryStrategy {
  if (profile.mmu === 'shadow' && (profile.recovery === 'zap-tdp' || profile.recovery === 'recover-in-place')) return 'zap-max-level';
  return profile.recovery;
}

/** Run one scenario; with `samplePage`, per-step checks look at the sampled pages only and coverage is counted at the end. */
function runScenario(scenario: Scenario, samplePage?: (slot: MemslotSpec, page: number) => boolean): void {
  const h = new Harness(scenario, samplePage);
  const everyStep = samplePage === undefined;
  for (const b of scenario.backings) h.backing(scenario.slots[b.slot]!, b.at, b.len, b.backing);
  h.mmu.populate();
  h.checkStructure(everyStep);
  for (const op of scenario.ops) {
    h.apply(op);
    h.checkStructure(everyStep);
  }
  for (const slot of scenario.slots) if (h.ref.isLogging(slot.id)) h.checkNoLostWrite(slot);
  h.checkRecovered();
  h.checkStructure();
}

describe('VmMmu against the reference model (DESIGN.md section 3 invariants)', () => {
  it('while logging, no guest write is ever missing from the next get-and-clear, and structure stays valid, under random interleavings', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => runScenario(scenario)), { numRuns: 300 });
  });

  it('every profile combination: PML on/off, initially-set on/off, eager split on/off, both huge-write behaviours', () => {
    const combos = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.constantFrom('drop' as const, 'split-in-place' as const), fc.constantFrom(...RECOVERY_STRATEGIES));
    fc.assert(
      fc.property(combos, slotsArb, fc.array(opArb(2), { minLength: 5, maxLength: 30 }), ([pml, initiallySet, eagerSplit, hugeWriteUnderLogging, recovery], slots, ops) => {
        const profile = kernelProfile({ pml, initiallySet, eagerSplit, hugeWriteUnderLogging, recovery });
        runScenario({ profile, slots, backings: [], ops: ops.map((op) => ({ ...op, slot: Math.min(op.slot, slots.length - 1) })) });
      }),
      { numRuns: 250 },
    );
  });

  it('1G: hugetlbfs 1G memory keeps every invariant through splits, logging, host events and recovery', () => {
    const slot: MemslotSpec = { id: 0, baseGfn: 0, npages: 2 * PAGES_PER_1G, hvaPage: PAGES_PER_1G };
    const sample = (_: MemslotSpec, page: number) => page % 251 === 0 || page % PAGES_PER_2M === 0;
    const bigOp = opArb(1).map((op) => ('len' in op && op.kind !== 'clear' ? { ...op, len: op.len * 100 } : op));
    const recoveryFirst = fc.constantFrom(...RECOVERY_STRATEGIES);
    fc.assert(
      fc.property(profileArb, recoveryFirst, fc.boolean(), fc.array(bigOp, { minLength: 1, maxLength: 10 }), (profile, recovery, secondIsThp, ops) => {
        const scenario: Scenario = {
          profile: { ...profile, recovery, mmu: recovery === 'zap-tdp' || recovery === 'recover-in-place' ? 'tdp' : profile.mmu, maxHardwareLevel: 3 as PageLevel },
          slots: [slot],
          backings: [
            { slot: 0, at: 0, len: PAGES_PER_1G, backing: 'hugetlb-1g' as HostBacking },
            ...(secondIsThp ? [] : [{ slot: 0, at: 0.5, len: PAGES_PER_1G, backing: 'hugetlb-1g' as HostBacking }]),
          ],
          // Logging starts first and the guest writes into the first 1G page, so every run splits 1G SPTEs.
          ops: [{ kind: 'enable', slot: 0 }, { kind: 'write', slot: 0, at: 0.001, len: 700, vcpu: 0 }, ...ops],
        };
        runScenario(scenario, sample);
      }),
      { numRuns: 25 },
    );
  });
});
