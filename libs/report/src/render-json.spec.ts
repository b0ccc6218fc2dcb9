import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReport } from './parse-report';
import { renderJson } from './render-json';
import type { Report } from './report-model';
import { sampleFlagshipReport, sampleSingleVariantReport } from './testing';

/** Rebuilds every object with its keys in reverse order, as a producer might. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).reverse().map(([key, item]) => [key, reverseKeys(item)]));
  }
  return value;
}

describe('renderJson', () => {
  it('renders the same report to the same bytes: 2-space indentation and a trailing newline', () => {
    const first = renderJson(sampleFlagshipReport());
    const second = renderJson(sampleFlagshipReport());
    expect(second).toBe(first);
    expect(first.endsWith('}\n')).toBe(true);
    expect(first.split('\n')[1]).toBe('  "schemaVersion": 1,');
  });

  it('orders keys the same way whatever order the producer built its objects in', () => {
    const report = sampleFlagshipReport();
    const shuffled = reverseKeys(report) as Report;
    expect(Object.keys(shuffled)[0]).toBe('summary');
    expect(renderJson(shuffled)).toBe(renderJson(report));
  });

  it('starts with the identity of the run and ends with the summary', () => {
    const topLevelKeys = Object.keys(JSON.parse(renderJson(sampleFlagshipReport())) as object);
    expect(topLevelKeys).toEqual(['schemaVersion', 'generatedBy', 'scenario', 'seed', 'engine', 'horizonMs', 'variants', 'summary']);
  });

  it('rounds timeline fractions to 4 decimals, times to 1 us and other numbers to 6 significant digits', () => {
    const report = sampleSingleVariantReport({
      vms: [
        {
          name: 'vm-1',
          host: 'h-1',
          memoryBytes: 1_073_741_824,
          vcpus: 2,
          timeline: [{ tMs: 0.1 + 0.2, relativeThroughput: 0.1 + 0.7, hugeFraction: 2 / 3, fraction4k: 1 / 3, dirtyLogging: false }],
          recoveries: [],
        },
      ],
    });
    const json = renderJson(report);
    expect(json).toContain('"tMs": 0.3,');
    expect(json).toContain('"relativeThroughput": 0.8,');
    expect(json).toContain('"hugeFraction": 0.6667,');
    expect(json).toContain('"fraction4k": 0.3333,');
    expect(json).toContain('"memoryBytes": 1073741824,');
    const lostWork = (JSON.parse(json) as Report).variants[0]!.vms[0]!;
    expect(lostWork.name).toBe('vm-1');
    const withNoise = sampleSingleVariantReport({
      checks: [],
      vms: [{ ...lostWork, recoveries: [{ ...sampleFlagshipReport().variants[1]!.vms[0]!.recoveries[0]!, lostWorkVcpuSeconds: 1.1 * 3 }] }],
    });
    expect(renderJson(withNoise)).toContain('"lostWorkVcpuSeconds": 3.3,');
    expect(1.1 * 3).not.toBe(3.3);
  });

  it('refuses NaN instead of silently writing null, naming the field', () => {
    const report = sampleFlagshipReport();
    report.variants[2]!.vms[0]!.timeline[7]!.relativeThroughput = Number.NaN;
    expect(() => renderJson(report)).toThrow('variants[2].vms[0].timeline[7].relativeThroughput: found NaN, expected a finite number');
  });

  it('round-trips through parseReport to identical bytes', () => {
    const json = renderJson(sampleFlagshipReport());
    expect(renderJson(parseReport(json, 'report.json'))).toBe(json);
  });

  it('keeps a query-migrate field this version does not know through a round trip', () => {
    const report = sampleFlagshipReport();
    const info = report.variants[0]!.migrations[0]!.attempts[0]!.info as unknown as Record<string, unknown>;
    info['xbzrle-cache'] = { 'cache-size': 67108864 };
    const json = renderJson(report);
    expect(json).toContain('"xbzrle-cache"');
    expect(renderJson(parseReport(json, 'r.json'))).toBe(json);
  });

  it('is idempotent on arbitrary timeline values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            tMs: fc.double({ min: 0, max: 1e7, noNaN: true }),
            relativeThroughput: fc.double({ min: 0, max: 1, noNaN: true }),
            hugeFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 20 },
        ),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (points, lostWork) => {
          const report = sampleFlagshipReport({ sampleStepMs: 30_000 });
          const vm = report.variants[0]!.vms[0]!;
          // Any values, at any (uneven) intervals, in time order as every timeline is.
          const inOrder = [...points].sort((a, b) => a.tMs - b.tMs);
          vm.timeline = inOrder.map((point) => ({ ...point, fraction4k: 1 - point.hugeFraction, dirtyLogging: false }));
          vm.recoveries[0]!.lostWorkVcpuSeconds = lostWork;
          const once = renderJson(report);
          expect(renderJson(parseReport(once, 'prop.json'))).toBe(once);
        },
      ),
      { numRuns: 60 },
    );
  });
});
