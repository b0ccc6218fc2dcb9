import type { MigrationPhaseName } from './phase';

/**
 * One message on the migration stream, as plain JSON-serialisable data (the
 * distributed driver ships it as a queue job). Pages travel as compact gfn
 * ranges plus run-length-encoded versions, never one object per page.
 *
 * - `pages`: page records (`ranges`, `versionRuns`).
 * - `fluid`: bytes without page identity (SimGrid and CloudSim peers).
 * - `device-state`: the non-iterable device state sent once the VM is paused.
 * - `postcopy-package`: the post-copy switch (`postcopy_start`): pages to
 *   discard on the destination (dirty since it received them) and the device
 *   state; the destination resumes the VM once it has applied everything
 *   sent before this message.
 */
export interface PageBatch {
  migrationId: string;
  /** 0, 1, 2, ... per migration, in the order the source wrote them to the stream. */
  seq: number;
  kind: 'pages' | 'fluid' | 'device-state' | 'postcopy-package';
  phase: MigrationPhaseName;
  /** `dirty-sync-count` when the batch was built. */
  syncCount: number;
  /** gfn ranges as [firstGfn, pageCount, firstGfn, pageCount, ...]; a range never crosses a memslot. */
  ranges: number[];
  /** Page versions in range order, run-length encoded: [version, runLength, ...]. */
  versionRuns: number[];
  zeroPageCount: number;
  normalPageCount: number;
  /** Bytes this message costs on the wire (what the link must carry). */
  wireBytes: number;
  /** Post-copy: pages the destination sent for a remote fault (served before the background stream). */
  urgent?: boolean;
  /** postcopy-package: gfn ranges the destination must drop (they were dirtied after being sent). */
  discardRanges?: number[];
}

/** Pages a batch carries. */
/** Batch fields the machine fills in when it sends. */
export type UnsentBatch = Omit<PageBatch, 'migrationId' | 'seq' | 'syncCount' | 'phase'>;

export function batchPageCount(batch: PageBatch): number {
  return batch.zeroPageCount + batch.normalPageCount;
}

/** Calls `visit(gfn, version)` for every page of a batch, in order. Meant for tests and checkers. */
export function forEachBatchPage(batch: PageBatch, visit: (gfn: number, version: number) => void): void {
  let run = 0;
  let runLeft = batch.versionRuns[1] ?? 0;
  for (let r = 0; r < batch.ranges.length; r += 2) {
    const first = batch.ranges[r]!;
    const count = batch.ranges[r + 1]!;
    for (let i = 0; i < count; i++) {
      while (runLeft === 0) {
        run += 2;
        runLeft = batch.versionRuns[run + 1] ?? 0;
      }
      visit(first + i, batch.versionRuns[run]!);
      runLeft--;
    }
  }
}
