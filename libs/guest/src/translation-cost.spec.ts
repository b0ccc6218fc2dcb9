import { describe, expect, it } from 'vitest';
import { GuestError } from './errors';
import { resolveTlbProfile, TLB_PROFILES, tlbReachBytes, type TlbProfile } from './tlb-profile';
import {
  cachedTranslationSize,
  tlbMissProbability,
  translationNsPerAccess,
  twoDimensionalWalkReferences,
} from './translation-cost';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('TLB model', () => {
  it('2D walk: a 4K guest page on 4K EPT costs 24 memory references, 19 on 2M EPT, 14 on 1G EPT', () => {
    expect(twoDimensionalWalkReferences('4k', '4k')).toBe(24);
    expect(twoDimensionalWalkReferences('4k', '2m')).toBe(19);
    expect(twoDimensionalWalkReferences('4k', '1g')).toBe(14);
  });

  it('2D walk: a 2M guest page costs 19 references on 4K EPT, 15 on 2M EPT, 11 on 1G EPT', () => {
    expect(twoDimensionalWalkReferences('2m', '4k')).toBe(19);
    expect(twoDimensionalWalkReferences('2m', '2m')).toBe(15);
    expect(twoDimensionalWalkReferences('2m', '1g')).toBe(11);
  });

  it('the TLB caches min(guest page size, host mapping size)', () => {
    expect(cachedTranslationSize('2m', '4k')).toBe('4k');
    expect(cachedTranslationSize('4k', '1g')).toBe('4k');
    expect(cachedTranslationSize('2m', '1g')).toBe('2m');
    expect(cachedTranslationSize('2m', '2m')).toBe('2m');
  });

  it('skylake-server reaches 6.25 MiB with 4K, 3,136 MiB with 2M and 20 GiB with 1G translations', () => {
    const skylake = TLB_PROFILES['skylake-server'];
    expect(tlbReachBytes(skylake, '4k')).toBe((64 + 1536) * 4096);
    expect(tlbReachBytes(skylake, '4k') / MiB).toBe(6.25);
    expect(tlbReachBytes(skylake, '2m') / MiB).toBe(3136);
    expect(tlbReachBytes(skylake, '1g') / GiB).toBe(20);
  });

  it('zen3-epyc smashes 1G pages into 2M entries in its L2 dTLB: 64 GiB from L1 plus 4 GiB from L2', () => {
    const zen3 = TLB_PROFILES['zen3-epyc'];
    expect(tlbReachBytes(zen3, '4k') / MiB).toBe(8.25);
    expect(tlbReachBytes(zen3, '2m') / MiB).toBe(4224);
    expect(tlbReachBytes(zen3, '1g') / GiB).toBe(68);
  });

  it('an access spread over twice the 4K reach misses half the time; within the reach it never misses', () => {
    const skylake = TLB_PROFILES['skylake-server'];
    expect(tlbMissProbability(skylake, '4k', 12.5 * MiB)).toBeCloseTo(0.5, 12);
    expect(tlbMissProbability(skylake, '4k', 6 * MiB)).toBe(0);
  });

  it('with 4K guest pages, splitting the EPT costs walk length only: 24 instead of 19 references per miss', () => {
    const skylake = TLB_PROFILES['skylake-server'];
    const on4k = translationNsPerAccess(skylake, { '4k': 1, '2m': 0, '1g': 0 }, 0, 16 * GiB);
    const on2m = translationNsPerAccess(skylake, { '4k': 0, '2m': 1, '1g': 0 }, 0, 16 * GiB);
    expect(on4k / on2m).toBeCloseTo(24 / 19, 12);
    // 2 ns per reference, a miss on (almost) every access: 24 x 2 = 48 ns.
    expect(on4k).toBeCloseTo(48 * (1 - (6.25 * MiB) / (16 * GiB)), 9);
  });

  it('with guest THP, splitting the EPT also loses 2M TLB reach, so it costs more than walk length', () => {
    const skylake = TLB_PROFILES['skylake-server'];
    const spread = 2 * GiB; // fits the 2M reach (3,136 MiB) entirely
    const on2m = translationNsPerAccess(skylake, { '4k': 0, '2m': 1, '1g': 0 }, 1, spread);
    const on4k = translationNsPerAccess(skylake, { '4k': 1, '2m': 0, '1g': 0 }, 1, spread);
    expect(on2m).toBe(0);
    expect(on4k).toBeCloseTo(19 * 2 * (1 - (6.25 * MiB) / spread), 9);
  });

  it('an unknown profile name is a typed error that lists the known ones', () => {
    expect(() => resolveTlbProfile('pentium-4')).toThrowError(GuestError);
    expect(() => resolveTlbProfile('pentium-4')).toThrowError(/skylake-server, zen3-epyc/);
  });

  it('a custom profile whose 2M reach is below its 4K reach is rejected (the model needs reach to grow)', () => {
    const bad: TlbProfile = {
      name: 'odd',
      description: '',
      sources: [],
      arrays: [
        { level: 'l2', entries: 100_000, holds: ['4k'] },
        { level: 'l1', entries: 8, holds: ['2m', '1g'] },
      ],
      walkReferenceNs: 2,
    };
    expect(() => resolveTlbProfile(bad)).toThrowError(/reach must grow with page size/);
  });
});
