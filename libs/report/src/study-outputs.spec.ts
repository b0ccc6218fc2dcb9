import { describe, expect, it } from 'vitest';
import { interestingVms } from './interesting-vms';
import { parseReport } from './parse-report';
import { renderJson } from './render-json';
import { MIGRATION_ROW_COLUMNS, renderMigrationsCsv } from './study-rows';
import { percentiles } from './study-summary';
import { sampleStudyReport } from './sample-study-report';

/** A CSV line split into fields (the sample has no quoted commas except where the test says). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const keys = header!.split(',');
  return lines.map((line) => {
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted && c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        fields.push(field);
        field = '';
      } else field += c;
    }
    fields.push(field);
    return Object.fromEntries(keys.map((key, i) => [key, fields[i] ?? '']));
  });
}

const numbers = (rows: Record<string, string>[], key: string) => rows.filter((row) => row[key] !== '').map((row) => Number(row[key]));

describe('--format csv: one row per migration', () => {
  const report = sampleStudyReport({ migrations: 40 });
  const csv = renderMigrationsCsv(report);
  const rows = parseCsv(csv);

  it('has the documented columns, in order, and one row per migration', () => {
    expect(csv.split('\n')[0]).toBe(
      'variant,id,vm,source,destination,source_rack,destination_rack,outcome,attempts,requested_s,start_s,end_s,queue_wait_s,total_time_s,downtime_ms,rounds,transferred_bytes,lost_work_vcpu_s,memory_bytes,reason',
    );
    expect(MIGRATION_ROW_COLUMNS).toHaveLength(20);
    expect(rows).toHaveLength(40);
    expect(rows[0]).toMatchObject({ variant: 'default', id: 'drain/vm-1', source: 'h-1', source_rack: 'rack-1', destination_rack: 'rack-2', outcome: 'completed', requested_s: '1', start_s: '1', memory_bytes: String(2 * 1024 ** 3) });
  });

  it('leaves what does not apply empty: no end or total time while unfinished, no downtime unless completed; a failure says why', () => {
    const unfinished = rows.find((row) => row['outcome'] === 'unfinished')!;
    expect([unfinished['end_s'], unfinished['total_time_s'], unfinished['downtime_ms']]).toEqual(['', '', '']);
    const failed = rows.find((row) => row['outcome'] === 'failed')!;
    expect(failed['downtime_ms']).toBe('');
    expect(failed['reason']).toBe('destination crashed');
  });

  it('quotes a field holding a comma or a quote (RFC 4180)', () => {
    const odd = sampleStudyReport({ migrations: 2 });
    odd.variants[0]!.migrations[0]!.id = 'a,"b"';
    expect(renderMigrationsCsv(odd)).toContain('default,"a,""b""",vm-1');
  });
});

describe('the study summary agrees with the per-migration rows', () => {
  const report = sampleStudyReport({ migrations: 40 });
  const rows = parseCsv(renderMigrationsCsv(report));
  const study = report.summary.variants[0]!.study!;

  it('outcomes, attempts and makespan', () => {
    expect(study.migrations).toBe(rows.length);
    expect(report.summary.variants[0]!.outcomes).toMatchObject({
      completed: rows.filter((row) => row['outcome'] === 'completed').length,
      failed: rows.filter((row) => row['outcome'] === 'failed').length,
      unfinished: 1,
    });
    expect(study.attempts).toBe(numbers(rows, 'attempts').reduce((a, b) => a + b, 0));
    // One migration is unfinished: no makespan yet, but the last end so far.
    expect(study.makespanMs).toBeNull();
    expect(study.lastEndMs).toBeCloseTo(Math.max(...numbers(rows, 'end_s')) * 1000, 3);
    const ended = sampleStudyReport({ migrations: 39, unfinishedLast: false });
    const endedRows = parseCsv(renderMigrationsCsv(ended));
    expect(ended.summary.variants[0]!.study!.makespanMs).toBeCloseTo((Math.max(...numbers(endedRows, 'end_s')) - Math.min(...numbers(endedRows, 'requested_s'))) * 1000, 3);
  });

  it('percentiles of total time, downtime, bytes, lost work and queue wait are nearest-rank over the rows', () => {
    const nearest = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;
    const checks: [keyof typeof study, string, number][] = [
      ['totalTimeMs', 'total_time_s', 1000],
      ['downtimeMs', 'downtime_ms', 1],
      ['transferredBytes', 'transferred_bytes', 1],
      ['lostWorkVcpuSeconds', 'lost_work_vcpu_s', 1],
      ['queueWaitMs', 'queue_wait_s', 1000],
    ];
    for (const [key, column, scale] of checks) {
      const values = numbers(rows, column).map((value) => value * scale);
      const summary = study[key] as ReturnType<typeof percentiles>;
      expect(summary.count, key).toBe(values.length);
      for (const p of [50, 90, 95, 99] as const) expect(summary[`p${p}`], `${key} p${p}`).toBeCloseTo(nearest(values, p), 2);
      expect(summary.max).toBeCloseTo(Math.max(...values), 2);
    }
    expect(study.downtimeMs.count).toBe(rows.filter((row) => row['outcome'] === 'completed').length);
  });

  it('link loads per tier: the peak of the mean and the most loaded link', () => {
    const tiers = report.variants[0]!.network!.tiers;
    expect(study.links.map((link) => link.tier)).toEqual(['nic', 'uplink']);
    expect(study.links[0]!.peakMeanFraction).toBe(Math.max(...tiers[0]!.points.map((point) => point.meanFraction)));
    expect(study.links[1]!.maxFraction).toBe(Math.max(...tiers[1]!.points.map((point) => point.maxFraction)));
  });

  it('nearest-rank on a known list; nothing to rank gives nulls', () => {
    expect(percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ count: 10, mean: 5.5, p50: 5, p90: 9, p95: 10, p99: 10, max: 10 });
    expect(percentiles([])).toEqual({ count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null });
  });

  it('survives the JSON round trip and the shape check', () => {
    expect(renderJson(parseReport(renderJson(report), 'study.json'))).toBe(renderJson(report));
    const broken = JSON.parse(renderJson(report));
    broken.variants[0].network.tiers[0].tier = 'spine';
    broken.variants[0].migrations[0].attempts[0].lostWorkVcpuSeconds = -1;
    const message = (() => {
      try {
        parseReport(JSON.stringify(broken), 'study.json');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/variants\[0\]\.network\.tiers\[0\]\.tier: found "spine", expected one of nic, uplink, core/);
    expect(message).toMatch(/variants\[0\]\.migrations\[0\]\.attempts\[0\]\.lostWorkVcpuSeconds: found -1, expected a number >= 0/);
  });
});

describe('interesting VMs: chosen by what happened, not by name', () => {
  it('the failed first, then the slowest, then the most degraded, each VM once', () => {
    const report = sampleStudyReport({ migrations: 40 });
    const variant = report.variants[0]!;
    const chosen = interestingVms(report.variants);
    expect(chosen).toHaveLength(12);
    const failedVms = variant.migrations.filter((m) => m.outcome !== 'completed').map((m) => m.vm);
    expect(chosen.filter((vm) => vm.reason === 'failed').map((vm) => vm.vm).every((vm) => failedVms.includes(vm))).toBe(true);
    const slowest = [...variant.migrations].filter((m) => m.outcome === 'completed').sort((a, b) => b.attempts[0]!.info['total-time'] - a.attempts[0]!.info['total-time'])[0]!;
    expect(chosen.find((vm) => vm.reason === 'slowest')!.vm).toBe(slowest.vm);
    expect(new Set(chosen.map((vm) => vm.vm)).size).toBe(12);
    expect(chosen.map((vm) => vm.vm)).not.toEqual(variant.vms.slice(0, 12).map((vm) => vm.name));
  });
});
