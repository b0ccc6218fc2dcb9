import { describe, expect, it } from 'vitest';
import { etaText, ProgressBar } from './progress-bar';

/** A stand-in for process.stderr: a terminal 100 columns wide that keeps what is written. */
function terminal(isTTY = true) {
  const written: string[] = [];
  const stream = { isTTY, columns: 100, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('ProgressBar', () => {
  it('on a terminal, shows how many runs are done of how many and the time left at the pace so far', () => {
    const { stream, written } = terminal();
    const bar = new ProgressBar('sweeping', stream, 0);
    bar.update(0.25, { done: 100, total: 400 });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\rsweeping \[#+\.+\]  25% 100\/400 \d+\.\ds ETA \d+s\x1b\[K$/);
    bar.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });

  it('stays silent when stderr is not a terminal (pipes, CI logs)', () => {
    const { stream, written } = terminal(false);
    const bar = new ProgressBar('sweeping', stream, 0);
    bar.update(0.5, { done: 1, total: 2 });
    bar.done();
    expect(written).toEqual([]);
  });

  it('estimates the time left from the elapsed time and the share done', () => {
    expect(etaText(30_000, 0.25)).toBe('1m30s');
    expect(etaText(10_000, 0.5)).toBe('10s');
    expect(etaText(5_000, 0)).toBe('?');
  });
});
