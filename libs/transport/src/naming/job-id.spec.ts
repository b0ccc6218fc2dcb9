import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertJobId, deadLetterJobId, encodeIdPart } from './job-id';

/** An id spelled as the window protocol spells a window-open's (libs/runtime run-naming.ts): `<run>~open~<window>~<shard>`. */
function openJobId(run: string, window: number, shard: string): string {
  return `${encodeIdPart(run)}~open~${window}~${encodeIdPart(shard)}`;
}

const parts = fc.record({
  run: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  window: fc.nat(),
  shard: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
});

describe('encodeIdPart', () => {
  it('job-id: parts are joined with ~ because BullMQ refuses a four-part id with ":"; reserved characters are percent-encoded', () => {
    expect(openJobId('r1', 7, 'source-0')).toBe('r1~open~7~source-0');
    expect(openJobId('a:b', 0, 'x~y')).toBe('a%3Ab~open~0~x%7Ey');
    expect(encodeIdPart('variant/m1')).toBe('variant%2Fm1');
    expect(encodeIdPart("50%!'()*")).toBe('50%25%21%27%28%29%2A');
    expect(encodeIdPart('run-lx2.a_b')).toBe('run-lx2.a_b');
  });

  it('job-id: every encoded part decodes back and holds no "~" or ":"; every id built from them passes the BullMQ rules and splits into its parts', () => {
    fc.assert(
      fc.property(parts, ({ run, window, shard }) => {
        for (const text of [run, shard]) {
          const encoded = encodeIdPart(text);
          expect(encoded).toMatch(/^[A-Za-z0-9\-_.%]+$/);
          expect(decodeURIComponent(encoded)).toBe(text);
        }
        const id = openJobId(run, window, shard);
        expect(id).not.toContain(':');
        expect(assertJobId(id)).toBe(id);
        const fields = id.split('~');
        expect(fields).toHaveLength(4);
        expect([decodeURIComponent(fields[0]!), fields[1], Number(fields[2]), decodeURIComponent(fields[3]!)]).toEqual([run, 'open', window, shard]);
      }),
      { numRuns: 300 },
    );
  });

  it('job-id: different parts never give the same id', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(openJobId(a.run, a.window, a.shard)).not.toBe(openJobId(b.run, b.window, b.shard));
      }),
      { numRuns: 300 },
    );
  });
});

describe('assertJobId', () => {
  it('job-id: assertJobId refuses what BullMQ 6.7 refuses (integers, ":") and what it would mangle', () => {
    for (const id of ['42', '0', 'a:b:c:d', 'a:b:c', '', 'with space', 'é', 'x'.repeat(513)]) {
      expect(() => assertJobId(id), id).toThrow(/JOB_ID_INVALID/);
    }
    expect(() => assertJobId('42')).toThrow(/JOB_ID_INVALID: job id "42": BullMQ refuses custom ids that are integers/);
    expect(() => assertJobId('r1:open:7:source-0')).toThrow(/expected 1-512 printable ASCII characters without ':'/);
    expect(assertJobId('42abc')).toBe('42abc');
    expect(assertJobId('x'.repeat(512))).toHaveLength(512);
  });

  it('job-id: a dead letter id is derived from the source queue and job id', () => {
    expect(deadLetterJobId('shard.source-0', 'r1~open~7~source-0')).toBe('shard.source-0~r1~open~7~source-0');
    expect(deadLetterJobId('q', 'x'.repeat(512))).toHaveLength(514);
    expect(() => deadLetterJobId('coordinator', 'a:b')).toThrow(/JOB_ID_INVALID/);
  });
});
