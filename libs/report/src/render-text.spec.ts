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

  it('shows the failed migration of each variant with its attempt number, rounds, bytes sent and why it failed', () => {
    const rows = text.split('\n').filter((line) => line.trimStart().startsWith('m-1  '));
    expect(rows).toHaveLength(5);
    expect(rows[0]!.trim().split(/\s{2,}/)).toEqual(['m-1', '1', 'vm-1', 'src-1 → dst-1', 'failed', '42.0 s', '—', '3', '4.39 GiB']);
    expect(text).toContain('\n    m-1 attempt 1 failed: Unable to write to socket: Connection reset by peer\n');
  });

  it('compares the recovery strategies side by side: recover-in-place has 0 re-faults and is fastest', () => {
    const header = comparisonLines(text)[0]!.trim().split(/\s{2,}/);
    expect(header).toEqual(['variant / strategy', 'vm', 'disable', 'flushes', 're-faults', 'to 90 %', 'to 95 %', 'to 99 %', 'lost work', 'huge at end']);
    expect(rowOf(text, 'recover-in-place')).toEqual(['recover-in-place', 'vm-1', '64.1 ms', '3', '0', 'never below', '24.0 ms', '56.0 ms', '0.01 vCPU·s', '100.0 %']);
    expect(rowOf(text, 'zap-tdp')[3]).toBe('2,048');
    expect(rowOf(text, 'zap-rmap')[4]).toBe('2,048');
    expect(rowOf(text, 'zap-rmap').slice(5, 8)).toEqual(['96.5 ms', '103 ms', '116 ms']);
    expect(text).toContain('Fastest back to 95 % of baseline: recover-in-place (24.0 ms). Never back to 95 % before the horizon: none.');
  });

  it('shows "never below" for a VM that never fell below the level, "—" for one not back at it, and a legend saying so', () => {
    // none stays at the 4 KiB level, 92 % of baseline: above 90 %, below 95 %.
    expect(rowOf(text, 'none').slice(4)).toEqual(['0', 'never below', '—', '—', '13.8 vCPU·s', '0.0 %']);
    const legend = text.slice(text.indexOf('Fastest back')).replace(/\s+/g, ' ');
    expect(legend).toContain(
      'to 90/95/99 % = time from dirty logging off until throughput reached that share of baseline and stayed there; ' +
        'never below = it never fell below that share after logging off (0 ms); — = not back by the horizon.',
    );
  });

  it('decides "never below" from the lowest throughput when the report has it, else from a time of 0', () => {
    const report = sampleFlagshipReport();
    const recoveries = report.variants.map((variant) => variant.vms[0]!.recoveries[0]!);
    // none: a 10 ms step below 90 % (time 10 ms), then 92 %.
    Object.assign(recoveries[0]!, { timeTo90PctMs: 10, minRelativeThroughput: 0.85 });
    // zap-rmap: reported without its lowest throughput, reached 90 % with no step below it.
    Object.assign(recoveries[1]!, { timeTo90PctMs: 0, minRelativeThroughput: undefined });
    // zap-tdp: lowest 93 %, so never below 90 % even though a time was reported.
    Object.assign(recoveries[3]!, { timeTo90PctMs: 2, minRelativeThroughput: 0.93 });
    const rendered = renderText(report);
    expect(rowOf(rendered, 'none')[5]).toBe('10.0 ms');
    expect(rowOf(rendered, 'zap-rmap')[5]).toBe('never below');
    expect(rowOf(rendered, 'zap-tdp')[5]).toBe('never below');
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
    expect(failedSection).toContain('✗ [none] recovers-vm-1 (recovers): vm-1 was at 92.0 % of baseline 30 s after dirty logging');
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
    expect(renderText(sampleFlagshipReport({ vmName: 'database-primary-eu-west-1' }), { width: 114 })).toMatch(/ {2}recover-in-place +datab… /);
  });

  it('says when no VM needed a recovery and when every check passed', () => {
    const quiet = renderText(sampleSingleVariantReport({ checks: [{ name: 'vm-never-lost', kind: 'vm-never-lost', passed: true, detail: 'ok' }] }));
    expect(quiet).toContain('No VM had dirty logging switched off after a failure, cancel or probe.');
    expect(quiet).toContain('no migrations');
    expect(quiet.trimEnd().split('\n').at(-1)).toBe('Result: all 1 checks passed.');
  });

  it('shows each attempt of a retried migration on its own row, with its number, downtime and bytes', () => {
    const attempt = (attemptNumber: number, outcome: 'failed' | 'completed', info = sampleQueryMigrateInfo()) => ({
      attempt: attemptNumber, startMs: attemptNumber * 20_000, endMs: attemptNumber * 20_000 + 9120, outcome, phases: [], info,
    });
    const failedInfo = sampleQueryMigrateInfo({ status: 'failed', downtime: undefined, 'total-time': 4000, 'error-desc': 'destination out of memory' });
    const report = sampleSingleVariantReport({
      migrations: [{ id: 'm-7', vm: 'vm-7', source: 'a', destination: 'b', algorithm: 'qemu-precopy', outcome: 'completed', attempts: [attempt(1, 'failed', failedInfo), attempt(2, 'completed')] }],
    });
    const rendered = renderText(report);
    const rows = rendered.split('\n').filter((line) => line.trimStart().startsWith('m-7  '));
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['m-7', '1', 'vm-7', 'a → b', 'failed', '4.00 s', '—', '4', '1.02 GiB'],
      ['m-7', '2', 'vm-7', 'a → b', 'completed', '9.12 s', '212 ms', '4', '1.02 GiB'],
    ]);
    expect(rendered).toContain('m-7 attempt 1 failed: destination out of memory');
    expect(rendered).not.toContain('m-7 attempt 2');
  });

  it('gives each aborted, failed or cancelled attempt its reason, and a migration never started a row without a number', () => {
    const info = sampleQueryMigrateInfo({ status: 'failed', downtime: undefined });
    const attempt = (attemptNumber: number, outcome: 'failed' | 'aborted' | 'cancelled', extra: { reason?: string; errorDesc?: string } = {}) => ({
      attempt: attemptNumber,
      startMs: attemptNumber * 20_000,
      endMs: attemptNumber * 20_000 + 9120,
      outcome,
      ...(extra.reason === undefined ? {} : { reason: extra.reason }),
      phases: [],
      info: extra.errorDesc === undefined ? info : { ...info, 'error-desc': extra.errorDesc },
    });
    const report = sampleSingleVariantReport({
      migrations: [
        {
          id: 'm-2', vm: 'vm-2', source: 'a', destination: 'b', algorithm: 'qemu-precopy', outcome: 'cancelled',
          attempts: [
            attempt(1, 'aborted', { reason: 'no progress for 30 s (remaining stayed above 1.20 GiB)', errorDesc: 'migration cancelled' }),
            attempt(2, 'failed', { errorDesc: 'Unable to write to socket: Broken pipe' }),
            attempt(3, 'cancelled'),
          ],
        },
        { id: 'm-3', vm: 'vm-3', source: 'a', destination: 'b', algorithm: 'qemu-precopy', outcome: 'unfinished', attempts: [] },
      ],
    });
    const rendered = renderText(report);
    const rows = rendered.split('\n').filter((line) => /^ {2}m-[23] /.test(line)).map((row) => row.trim().split(/\s{2,}/).slice(0, 5));
    expect(rows).toEqual([
      ['m-2', '1', 'vm-2', 'a → b', 'aborted'],
      ['m-2', '2', 'vm-2', 'a → b', 'failed'],
      ['m-2', '3', 'vm-2', 'a → b', 'cancelled'],
      ['m-3', '—', 'vm-3', 'a → b', 'unfinished'],
    ]);
    // The attempt's reason first (the watchdog's message), then QEMU's error-desc, else say there was none.
    expect(rendered).toContain('\n    m-2 attempt 1 aborted: no progress for 30 s (remaining stayed above 1.20 GiB)\n');
    expect(rendered).toContain('\n    m-2 attempt 2 failed: Unable to write to socket: Broken pipe\n');
    expect(rendered).toContain('\n    m-2 attempt 3 cancelled: no reason recorded\n');
    expect(rendered).not.toContain('m-3 attempt');
  });
});
