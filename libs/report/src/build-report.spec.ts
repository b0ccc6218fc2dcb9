import { describe, expect, it } from 'vitest';
import { buildReport, failedCheckCount } from './build-report';
import { REPORT_SCHEMA_VERSION } from './report-model';
import { sampleFlagshipReport, sampleSingleVariantReport } from './testing';

describe('buildReport', () => {
  it('summarises outcomes, checks and recoveries per variant for the text summary and the exit code', () => {
    const report = sampleFlagshipReport();
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(report.summary.checks).toEqual({ passed: 14, failed: 1 });
    expect(failedCheckCount(report)).toBe(1);
    const none = report.summary.variants[0]!;
    expect(none.variant).toBe('none');
    expect(none.outcomes).toEqual({ completed: 0, failed: 1, cancelled: 0, aborted: 0, unfinished: 0 });
    expect(none.checks).toEqual({ passed: 2, failed: 1 });
    expect(none.recoveries[0]).toMatchObject({ vm: 'vm-1', strategy: 'none', timeTo95PctMs: null, refaults: 0, finalHugeFraction: 0 });
    const inPlace = report.summary.variants[4]!;
    expect(inPlace.recoveries[0]).toMatchObject({ strategy: 'recover-in-place', refaults: 0, finalHugeFraction: 1 });
    expect(inPlace.recoveries[0]!.timeTo95PctMs).toBeLessThan(report.summary.variants[1]!.recoveries[0]!.timeTo95PctMs!);
  });

  it('sorts each variant\'s events by time and keeps the producer order for ties', () => {
    const report = sampleSingleVariantReport({
      events: [
        { tMs: 20, kind: 'migration-failed', subject: 'm-1', detail: 'b' },
        { tMs: 10, kind: 'fault', subject: 'dst-1', detail: 'a' },
        { tMs: 20, kind: 'dirty-logging-disabled', subject: 'vm-1', detail: 'c' },
      ],
    });
    expect(report.variants[0]!.events.map((event) => event.detail)).toEqual(['a', 'b', 'c']);
  });

  it('counts a run with no checks as nothing failed', () => {
    const report = buildReport({
      generatedBy: { tool: 'migsim', version: '0.1.0' },
      scenario: { name: 'empty', description: null, file: null },
      seed: 0,
      engine: 'services',
      horizonMs: 0,
      variants: [],
    });
    expect(report.summary).toEqual({ variants: [], checks: { passed: 0, failed: 0 } });
    expect(failedCheckCount(report)).toBe(0);
  });
});
