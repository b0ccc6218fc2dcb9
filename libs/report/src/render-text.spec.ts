import { describe, expect, it } from 'vitest';
import { renderText } from './render-text';
import { sampleFlagshipReport, sampleQueryMigrateInfo, sampleSingleVariantReport } from './testing';

const ANSI = /\u001b\[[0-9;]*m/g;

function comparisonLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('== Recovery comparison'));
  return lines.slice(start + 1, start + 8);
}

function rowOf(text: string, variant: string): string[] {
  const row = comparisonLines(text).find((line) => line.trimStart().startsWith(`${variant} `));
  if (!row) throw new Error(`no comparison row for ${variant}`);
  return row.trim().split(/\s{2,}/);
}

describe('renderText', () => {
  const text = renderText(sampleFlagshipReport());

  it('starts with the scenario, the seed and the engine', () => {
    const [title, , , facts] = text.split('\n');
    expect(title).toBe('migsim report: failed-migration-recovery');
    expect(facts).toContain('seed 42');
    expect(facts).toContain('engine in-process');
    expect(facts).toContain('horizon 90.0 s');
  });

  it('shows the failed migration of each variant with its rounds and bytes sent', () => {
    const rows = text.split('\n').filter((line) => line.trimStart().startsWith('m-1  '));
    expect(rows).toHaveLength(5);
    expect(rows[0]!.trim().split(/\s{2,}/)).toEqual(['m-1', 'vm-1', 'src-1 → dst-1', 'failed', '1', '42.0 s', '—', '3', '4.39 GiB']);
    expect(text).toContain('m-1: Unable to write to socket: Connection reset by peer');
  });

  it('compares the recovery strategies side by side: recover-in-place has 0 re-faults and is fastest', () => {
    const header = comparisonLines(text)[0]!.trim().split(/\s{2,}/);
    expect(header).toEqual(['variant / strategy', 'vm', 'disable', 'flushes', 're-faults', 'to 90 %', 'to 95 %', 'to 99 %', 'lost work', 'huge at end']);
    expect(rowOf(text, 'recover-in-place')).toEqual(['recover-in-place', 'vm-1', '96.1 ms', '3', '0', '100 ms', '100 ms', '100 ms', '0.104 vCPU·s', '100.0 %']);
    expect(rowOf(text, 'zap-tdp')[3]).toBe('2,048');
    expect(rowOf(text, 'zap-rmap')[4]).toBe('2,048');
    expect(text).toContain('Fastest back to 95 % of baseline: recover-in-place (100 ms). Never back to 95 % before the horizon: none.');
  });

  it('shows "—" where the strategy never got back to 95 % and the VM still all 4 KiB at the end', () => {
    expect(rowOf(text, 'none').slice(4)).toEqual(['0', '—', '—', '—', '44.7 vCPU·s', '0.0 %']);
  });

  it('aligns the columns of the comparison table: names on the left, numbers on the right', () => {
    const [header, rule, ...rows] = comparisonLines(text).slice(0, 7);
    const spans = (line: string) => [...line.matchAll(/\S+(?: \S+)*/g)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
    const headerSpans = spans(header!);
    expect(rule!.length).toBe(header!.length);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      const rowSpans = spans(row);
      expect(rowSpans).toHaveLength(headerSpans.length);
      expect(rowSpans[0]!.start).toBe(headerSpans[0]!.start);
      expect(rowSpans[1]!.start).toBe(headerSpans[1]!.start);
      for (let column = 2; column < headerSpans.length; column += 1) expect(rowSpans[column]!.end).toBe(headerSpans[column]!.end);
    }
  });

  it('lists the failed checks with their variant and the time of the first violation', () => {
    const failedSection = text.slice(text.indexOf('== Failed checks'));
    expect(failedSection).toContain('✗ [none] recovers-vm-1 (recovers): vm-1 was at 74.0 % of baseline 30 s after dirty logging');
    expect(failedSection).toContain('(first violated at 77.0 s)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Result: 1 of 15 checks failed.');
  });

  it('uses no ANSI colour unless asked, and the same text with colour once the codes are stripped', () => {
    expect(text).not.toMatch(ANSI);
    const colored = renderText(sampleFlagshipReport(), { color: true });
    expect(colored).toContain('\u001b[31mfailed \u001b[0m');
    expect(colored).toMatch(/\u001b\[32m +0\u001b\[0m/);
    expect(colored.replace(ANSI, '')).toBe(text);
  });

  it('fits its tables into the width it is given by cutting long names', () => {
    const narrow = renderText(sampleFlagshipReport({ vmName: 'database-primary-eu-west-1' }), { width: 110 });
    const tableLines = narrow.split('\n').filter((line) => line.includes('database-primary') || line.includes('──'));
    expect(tableLines.length).toBeGreaterThan(10);
    for (const line of tableLines) expect(line.length).toBeLessThanOrEqual(110);
    // The variant is the answer, so the VM name is cut first.
    expect(narrow).toMatch(/ {2}recover-in-place +datab… /);
  });

  it('says when no VM needed a recovery and when every check passed', () => {
    const quiet = renderText(sampleSingleVariantReport({ checks: [{ name: 'vm-never-lost', kind: 'vm-never-lost', passed: true, detail: 'ok' }] }));
    expect(quiet).toContain('No VM had dirty logging switched off after a failure, cancel or probe.');
    expect(quiet).toContain('no migrations');
    expect(quiet.trimEnd().split('\n').at(-1)).toBe('Result: all 1 checks passed.');
  });

  it('shows the downtime of a completed migration and the attempts and bytes of a retried one', () => {
    const attempt = (attemptNumber: number, outcome: 'failed' | 'completed', info = sampleQueryMigrateInfo()) => ({
      attempt: attemptNumber, startMs: attemptNumber * 20_000, endMs: attemptNumber * 20_000 + 9120, outcome, phases: [], info,
    });
    const failedInfo = sampleQueryMigrateInfo({ status: 'failed', downtime: undefined, 'error-desc': 'destination out of memory' });
    const report = sampleSingleVariantReport({
      migrations: [{ id: 'm-7', vm: 'vm-7', source: 'a', destination: 'b', algorithm: 'qemu-precopy', outcome: 'completed', attempts: [attempt(1, 'failed', failedInfo), attempt(2, 'completed')] }],
    });
    const row = renderText(report).split('\n').find((line) => line.trimStart().startsWith('m-7'))!;
    expect(row.trim().split(/\s{2,}/)).toEqual(['m-7', 'vm-7', 'a → b', 'completed', '2', '18.2 s', '212 ms', '4', '2.03 GiB']);
  });
});
