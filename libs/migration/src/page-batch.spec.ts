import { describe, expect, it } from 'vitest';
import { isTerminalAction } from './actions';
import { batchPageCount, forEachBatchPage, type PageBatch } from './page-batch';

describe('page batches as plain data', () => {
  const batch: PageBatch = {
    migrationId: 'm',
    seq: 0,
    kind: 'pages',
    phase: 'round',
    syncCount: 1,
    ranges: [10, 3, 100, 2],
    versionRuns: [1, 2, 7, 3],
    zeroPageCount: 1,
    normalPageCount: 4,
    wireBytes: 9 + 4 * 4104,
  };

  it('ranges and run-length versions expand to (gfn, version) in range order', () => {
    const pages: [number, number][] = [];
    forEachBatchPage(batch, (gfn, version) => pages.push([gfn, version]));
    expect(pages).toEqual([
      [10, 1],
      [11, 1],
      [12, 7],
      [100, 7],
      [101, 7],
    ]);
    expect(batchPageCount(batch)).toBe(5);
  });

  it('completed, failed and cancelled are the terminal actions', () => {
    expect(isTerminalAction({ type: 'pause-vm', atNs: 0 })).toBe(false);
    expect(isTerminalAction({ type: 'cancelled', atNs: 0, info: {} as never, recovery: {} as never })).toBe(true);
  });
});
