import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertJobId, deadLetterJobId, migrationJobId, parseMigrationJobId } from './job-id';

const parts = fc.record({
  run: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  migration: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  attempt: fc.nat({ max: 1_000 }),
  seq: fc.nat(),
});

describe('migrationJobId', () => {
  it('job-id: {run}:{migration}:{attempt}:{seq} is spelled with ~ because BullMQ refuses a four-part id with ":"', () => {
    expect(migrationJobId({ run: 'r1', migration: 'vm-7', attempt: 2, seq: 15 })).toBe('r1~vm-7~2~15');
    expect(migrationJobId({ run: 'a:b', migration: 'x~y', attempt: 0, seq: 0 })).toBe('a%3Ab~x%7Ey~0~0');
  });

  it('job-id: every id round-trips, contains no ":" and passes the BullMQ rules', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const id = migrationJobId(p);
        expect(id).not.toContain(':');
        expect(assertJobId(id)).toBe(id);
        expect(parseMigrationJobId(id)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('job-id: different parts never give the same id', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(migrationJobId(a)).not.toBe(migrationJobId(b));
      }),
      { numRuns: 300 },
    );
  });

  it('job-id: bad parts and bad ids are refused with JOB_ID_INVALID', () => {
    expect(() => migrationJobId({ run: '', migration: 'm', attempt: 0, seq: 0 })).toThrow(/JOB_ID_INVALID: run: expected a non-empty string/);
    expect(() => migrationJobId({ run: 'r', migration: 'm', attempt: -1, seq: 0 })).toThrow(/attempt: expected an integer >= 0, got -1/);
    expect(() => migrationJobId({ run: 'r', migration: 'm', attempt: 0, seq: 1.5 })).toThrow(/seq: expected an integer >= 0, got 1.5/);
    expect(() => parseMigrationJobId('r~m~1')).toThrow(/expected run~migration~attempt~seq/);
    expect(() => parseMigrationJobId('r~m~01~2')).toThrow(/JOB_ID_INVALID/);
    expect(() => parseMigrationJobId('r%ZZ~m~1~2')).toThrow(/bad percent-encoding/);
  });

  it('job-id: assertJobId refuses what BullMQ 6.7 refuses (integers, ":") and what it would mangle', () => {
    for (const id of ['42', '0', 'a:b:c:d', 'a:b:c', '', 'with space', 'é', 'x'.repeat(513)]) {
      expect(() => assertJobId(id), id).toThrow(/JOB_ID_INVALID/);
    }
    expect(assertJobId('42abc')).toBe('42abc');
  });

  it('job-id: a dead letter id is derived from the source queue and job id', () => {
    expect(deadLetterJobId('migration.pages.dst-1', 'r1~vm-7~2~15')).toBe('migration.pages.dst-1~r1~vm-7~2~15');
    expect(deadLetterJobId('q', 'x'.repeat(512))).toHaveLength(514);
  });
});
