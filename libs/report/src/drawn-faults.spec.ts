import { describe, expect, it } from 'vitest';
import { parseReport } from './parse-report';
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { flowMapping, renderText } from './render-text';
import type { DrawnFaultEntry } from './report-model';
import { sampleSingleVariantReport } from './testing';

const drawn: DrawnFaultEntry[] = [
  { kind: 'destination-crash', host: 'dst-2', at: '312500ms', duration: '40s', description: 'chaos host-crash (per host-hour)' },
  { kind: 'link-down', when: { migration: 'drain-src-1/vm-3', phase: 'round', round: 2, after: '1200ms' }, duration: '3s', description: 'chaos link-down (per round)' },
];

describe('faults drawn by a chaos section', () => {
  it('survive a JSON round trip, and a drawn fault without a kind is refused', () => {
    const report = sampleSingleVariantReport({ drawnFaults: drawn });
    expect(parseReport(renderJson(report), 'r.json').variants[0]!.drawnFaults).toEqual(drawn);
    const broken = JSON.parse(renderJson(report));
    delete broken.variants[0].drawnFaults[1].kind;
    expect(() => parseReport(JSON.stringify(broken), 'r.json')).toThrow(/variants\[0\]\.drawnFaults\[1\]\.kind/);
  });

  it('are listed in the text report as the YAML lines of a faults list', () => {
    const text = renderText(sampleSingleVariantReport({ drawnFaults: drawn }));
    expect(text).toContain('  faults drawn from seed 1 (chaos): 2\n');
    expect(text).toContain('    - { kind: destination-crash, host: dst-2, at: 312500ms, duration: 40s, description: "chaos host-crash (per host-hour)" }');
    expect(text).toContain('    - { kind: link-down, when: { migration: drain-src-1/vm-3, phase: round, round: 2, after: 1200ms }, duration: 3s, description: "chaos link-down (per round)" }');
    expect(renderText(sampleSingleVariantReport())).not.toContain('faults drawn');
  });

  it('quote what YAML would read as something else', () => {
    expect(flowMapping({ kind: 'x', a: 'true', b: '12', c: 'a: b', d: 'plain text' })).toBe('{ kind: x, a: "true", b: "12", c: "a: b", d: plain text }');
  });

  it('are in the HTML page, escaped, under their variant', () => {
    const html = renderHtml(sampleSingleVariantReport({ drawnFaults: [{ kind: 'link-down', host: '<b>', at: '1s' }] }));
    expect(html).toContain('<summary>Faults drawn from seed 1 (chaos): 1</summary><pre>faults:\n- { kind: link-down, host: &quot;&lt;b&gt;&quot;, at: 1s }</pre>');
  });
});
