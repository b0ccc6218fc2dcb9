import { describe, expect, it } from 'vitest';
import { parseReport } from './parse-report';
import { ReportParseError } from './report-error';
import { renderJson } from './render-json';
import { sampleFlagshipReport } from './testing';

function sampleJson(): Record<string, unknown> {
  return JSON.parse(renderJson(sampleFlagshipReport({ sampleStepMs: 10_000 }))) as Record<string, unknown>;
}

function parseError(text: string, fileName = 'out/report.json'): ReportParseError {
  try {
    parseReport(text, fileName);
  } catch (error) {
    if (error instanceof ReportParseError) return error;
    throw error;
  }
  throw new Error('parseReport accepted the input');
}

describe('parseReport', () => {
  it('reads back what renderJson wrote', () => {
    const report = parseReport(renderJson(sampleFlagshipReport()), 'report.json');
    expect(report.variants.map((variant) => variant.name)).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    expect(report.variants[4]!.vms[0]!.recoveries[0]!.refaults).toBe(0);
  });

  it('names the file and the version when the schema version is not this one', () => {
    const json = sampleJson();
    json.schemaVersion = 2;
    const error = parseError(JSON.stringify(json));
    expect(error.code).toBe('REPORT_SCHEMA_VERSION');
    expect(error.message).toMatch(/^out\/report\.json: schemaVersion: found 2, expected 1 /);
  });

  it('says a report without a schema version is not one this version can read', () => {
    const json = sampleJson();
    delete json.schemaVersion;
    const error = parseError(JSON.stringify(json));
    expect(error.code).toBe('REPORT_SCHEMA_VERSION');
    expect(error.message).toContain('schemaVersion: found nothing, expected 1');
  });

  it('names the file when the text is not JSON', () => {
    const error = parseError('{"schemaVersion": 1,', 'saved.json');
    expect(error.code).toBe('REPORT_INVALID_JSON');
    expect(error.message).toMatch(/^saved\.json: found text that is not JSON/);
  });

  it('names the field and the allowed values for a wrong migration outcome', () => {
    const json = sampleJson() as { variants: { migrations: { outcome: string }[] }[] };
    json.variants[3]!.migrations[0]!.outcome = 'done';
    const error = parseError(JSON.stringify(json));
    expect(error.code).toBe('REPORT_SHAPE');
    expect(error.message).toBe(
      'out/report.json: variants[3].migrations[0].outcome: found "done", expected one of completed, failed, cancelled, aborted, unfinished',
    );
  });

  it('names a missing query-migrate field by its QEMU name', () => {
    const json = sampleJson() as { variants: { migrations: { attempts: { info: { ram: Record<string, unknown> } }[] }[] }[] };
    delete json.variants[0]!.migrations[0]!.attempts[0]!.info.ram['dirty-sync-count'];
    expect(parseError(JSON.stringify(json)).message).toBe(
      'out/report.json: variants[0].migrations[0].attempts[0].info.ram["dirty-sync-count"]: found nothing, expected a number >= 0',
    );
  });

  it('reports every wrong field at once, one per line', () => {
    const json = sampleJson() as Record<string, unknown> & { variants: { vms: { timeline: { hugeFraction: unknown }[] }[] }[] };
    json.engine = 'local';
    json.seed = -1;
    json.variants[1]!.vms[0]!.timeline[2]!.hugeFraction = 1.5;
    const error = parseError(JSON.stringify(json));
    expect(error.problems.map((problem) => problem.path)).toEqual(['seed', 'engine', 'variants[1].vms[0].timeline[2].hugeFraction']);
    expect(error.message.split('\n')).toEqual([
      'out/report.json: seed: found -1, expected a whole number from 0 to 4294967295',
      'out/report.json: engine: found "local", expected one of in-process, services',
      'out/report.json: variants[1].vms[0].timeline[2].hugeFraction: found 1.5, expected a number from 0 to 1',
    ]);
  });

  it('rejects a JSON array with a message naming the file', () => {
    const error = parseError('[]', 'list.json');
    expect(error.code).toBe('REPORT_SHAPE');
    expect(error.message).toBe('list.json: found an array, expected an object');
  });

  it('caps a flood of problems at 20 and says how many more there were', () => {
    const json = sampleJson() as { variants: { events: unknown[] }[] };
    json.variants[0]!.events = Array.from({ length: 30 }, () => 'not an event');
    const error = parseError(JSON.stringify(json));
    expect(error.problems).toHaveLength(21);
    expect(error.message).toContain('found 10 more problems, expected none');
  });

  it('keeps an attempt\'s reason and a recovery\'s lowest throughput, and names them when they have the wrong type', () => {
    type Json = { variants: { migrations: { attempts: Record<string, unknown>[] }[]; vms: { recoveries: Record<string, unknown>[] }[] }[] };
    const json = sampleJson() as Json;
    json.variants[0]!.migrations[0]!.attempts[0]!.reason = 'no progress for 30 s';
    json.variants[0]!.vms[0]!.recoveries[0]!.minRelativeThroughput = 0.25;
    const report = parseReport(JSON.stringify(json), 'report.json');
    expect(report.variants[0]!.migrations[0]!.attempts[0]!.reason).toBe('no progress for 30 s');
    expect(report.variants[0]!.vms[0]!.recoveries[0]!.minRelativeThroughput).toBe(0.25);

    json.variants[0]!.migrations[0]!.attempts[0]!.reason = 42;
    json.variants[0]!.vms[0]!.recoveries[0]!.minRelativeThroughput = -1;
    expect(parseError(JSON.stringify(json)).message.split('\n')).toEqual([
      'out/report.json: variants[0].migrations[0].attempts[0].reason: found 42, expected a string',
      'out/report.json: variants[0].vms[0].recoveries[0].minRelativeThroughput: found -1, expected a number >= 0',
    ]);
  });

  it('reads timelines sampled at uneven intervals, and rejects one out of time order', () => {
    type Json = { variants: { vms: { timeline: { tMs: number }[] }[] }[] };
    const json = sampleJson() as Json;
    const timeline = json.variants[2]!.vms[0]!.timeline;
    const gaps = new Set(timeline.slice(1).map((point, index) => point.tMs - timeline[index]!.tMs));
    expect(gaps.size).toBeGreaterThan(1);
    expect(() => parseReport(JSON.stringify(json), 'report.json')).not.toThrow();

    const later = timeline[3]!.tMs;
    timeline[3]!.tMs = timeline[1]!.tMs;
    expect(parseError(JSON.stringify(json)).message).toBe(
      `out/report.json: variants[2].vms[0].timeline[3].tMs: found ${timeline[1]!.tMs}, expected a time no earlier than the previous point's ${timeline[2]!.tMs} (a timeline is in time order)`,
    );
    expect(later).toBeGreaterThan(timeline[2]!.tMs);
  });
});
