import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateVersions, isNewerPageVersion, NEXT_PAGE_VERSION, versionsDigest } from './page-version';

describe('page versions', () => {
  it('a write bumps the version and 255 wraps to 1, never to 0 (absent)', () => {
    expect(NEXT_PAGE_VERSION[1]).toBe(2);
    expect(NEXT_PAGE_VERSION[254]).toBe(255);
    expect(NEXT_PAGE_VERSION[255]).toBe(1);
  });

  it('newer means 1..127 writes ahead across the wrap; anything live is newer than absent', () => {
    expect(isNewerPageVersion(2, 1)).toBe(true);
    expect(isNewerPageVersion(1, 2)).toBe(false);
    expect(isNewerPageVersion(3, 250)).toBe(true); // 250 -> 255 -> 1 -> 3 is 8 writes
    expect(isNewerPageVersion(250, 3)).toBe(false);
    expect(isNewerPageVersion(1, 0)).toBe(true);
    expect(isNewerPageVersion(0, 7)).toBe(false);
    expect(isNewerPageVersion(5, 5)).toBe(false);
  });

  it('property: k writes ahead (1 <= k <= 127) is newer, and never the other way round', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 127 }), (start, writes) => {
        let v = start;
        for (let i = 0; i < writes; i++) v = NEXT_PAGE_VERSION[v]!;
        return isNewerPageVersion(v, start) && !isNewerPageVersion(start, v);
      }),
      { numRuns: 200 },
    );
  });

  it('the masked digest equals the digest of the array with the masked pages set absent', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 299 })), (values, masked) => {
        const versions = allocateVersions(values.length, 0);
        versions.set(values);
        const mask = new Uint32Array(versions.length / 32);
        const expected = versions.slice();
        for (const page of masked) {
          if (page >= values.length) continue;
          mask[page >>> 5] = mask[page >>> 5]! | (1 << (page & 31));
          expected[page] = 0;
        }
        return versionsDigest(versions, mask) === versionsDigest(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('changing one version changes the digest', () => {
    const versions = allocateVersions(1000, 1);
    const before = versionsDigest(versions);
    versions[517] = 2;
    expect(versionsDigest(versions)).not.toBe(before);
  });

  it('the digest depends on where a version is, not only on which versions there are', () => {
    const versions = allocateVersions(1000, 1);
    versions[40] = 7;
    const before = versionsDigest(versions);
    versions[40] = 1;
    versions[904] = 7;
    expect(versionsDigest(versions)).not.toBe(before);
  });

  it('the digest depends on where a version is inside a group of 32 pages (two words of a group swapped)', () => {
    const versions = allocateVersions(64, 1);
    versions.fill(3, 0, 4);
    const before = versionsDigest(versions);
    versions.fill(1, 0, 4);
    versions.fill(3, 4, 8);
    expect(versionsDigest(versions)).not.toBe(before);
  });

  it('a page absent (version 0) and a page at the initial version digest differently', () => {
    const versions = allocateVersions(64, 1);
    const before = versionsDigest(versions);
    versions[63] = 0;
    expect(versionsDigest(versions)).not.toBe(before);
  });

  it('property: arrays that differ give different digests (no collision in 300 random pairs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 400 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (values, at, delta) => {
        const a = allocateVersions(values.length, 0);
        a.set(values);
        const b = a.slice();
        const page = at % values.length;
        b[page] = (b[page]! + delta) & 0xff;
        return versionsDigest(a) !== versionsDigest(b);
      }),
      { numRuns: 300 },
    );
  });
});
