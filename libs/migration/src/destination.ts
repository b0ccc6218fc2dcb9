import { MigrationError } from './errors';
import type { PageBatch } from './page-batch';
import { GroupedPageVersions } from './grouped-page-versions';
import { ABSENT_PAGE_VERSION } from './page-version';
import { recycleBuffer, takeZeroedBuffer } from '@migsim/mmu';
import { RamLayout, type RamLayoutSpec } from './ram-layout';
import type { SwitchoverCheck, SwitchoverVerification } from './switchover-check';

export type DestinationState = 'receiving' | 'running-postcopy' | 'running' | 'dropped';

/** What the destination tells the source (the driver turns these into source events). */
export type DestinationOutput =
  | { type: 'resumed'; migrationId: string; verification: SwitchoverVerification }
  | { type: 'completed'; migrationId: string; verification: SwitchoverVerification }
  | { type: 'page-request'; migrationId: string; gfns: number[] };

export interface DestinationPrepare {
  migrationId: string;
  layout: RamLayoutSpec;
  memoryModel: 'pages' | 'fluid';
}

/**
 * The incoming side of one migration (QEMU `-incoming`): receives batches,
 * keeps each page's version (0 = absent, see page-version.ts; grouped by 32
 * pages, see grouped-page-versions.ts), checks
 * memory when told to resume the VM, and drops everything on failure.
 *
 * Delivery may be out of order and at least once (queue jobs): a batch seen
 * twice (same `seq`) is ignored; page data is applied as it arrives, each
 * page keeping its newest version (wrap-around comparison); control steps
 * (the post-copy package, resume and complete commands) wait until every
 * message with a lower `seq` was applied, and page batches that follow an
 * unapplied post-copy package wait for it (its discards must not drop them).
 *
 * After the post-copy switch the VM runs here: a page that arrives is only
 * placed if absent (UFFDIO_COPY never overwrites), and the guest's accesses
 * to absent pages become page requests (remote faults).
 */
export class MigrationDestination {
  readonly migrationId: string;
  readonly layout: RamLayout;
  readonly memoryModel: 'pages' | 'fluid';
  private currentState: DestinationState = 'receiving';
  /** What each page holds (grouped by 32 pages: what arrives is mostly uniform). */
  private versions: GroupedPageVersions;
  /** Smallest seq not yet applied; every lower seq was applied. */
  private contiguousSeq = 0;
  private readonly appliedAhead = new Set<number>();
  private readonly held: PageBatch[] = [];
  private packageApplied = false;
  /** Memory as it was once the post-copy package was applied: what `postcopy-start` checks. */
  private switchSnapshot: { digest: number; absentPageCount: number } | null = null;
  private pendingCommand: { kind: 'resume' | 'complete'; check: SwitchoverCheck } | null = null;
  /** Post-copy: pages already asked for (a bit each). */
  private requested: Uint32Array;
  private receivedBatches = 0;
  private released = false;
  private runCursor = 0;
  private runLeft = 0;

  constructor(prepare: DestinationPrepare) {
    this.migrationId = prepare.migrationId;
    this.layout = new RamLayout(prepare.layout);
    this.memoryModel = prepare.memoryModel;
    const pages = prepare.memoryModel === 'pages' ? this.layout.indexPages : 0;
    this.versions = new GroupedPageVersions(pages);
    this.requested = new Uint32Array(takeZeroedBuffer((pages >>> 5) * 4), 0, pages >>> 5);
  }

  state(): DestinationState {
    return this.currentState;
  }

  /** Page versions indexed like the source's (read-only for callers); empty once dropped. */
  pageVersions(): Uint8Array {
    return this.versions.toArray();
  }

  receivedBatchCount(): number {
    return this.receivedBatches;
  }

  modelBytes(): number {
    return this.versions.modelBytes() + this.requested.byteLength;
  }

  receive(batch: PageBatch): DestinationOutput[] {
    if (this.currentState === 'dropped' || this.released) return [];
    if (batch.migrationId !== this.migrationId) {
      throw new MigrationError('MIGRATION_LAYOUT_MISMATCH', `destination of ${this.migrationId} got a batch of ${batch.migrationId}`);
    }
    if (batch.seq < this.contiguousSeq || (this.appliedAhead.size > 0 && this.appliedAhead.has(batch.seq)) || this.isHeld(batch.seq)) return [];
    if (this.mustHold(batch)) {
      this.held.push(batch);
      return [];
    }
    this.apply(batch);
    this.releaseHeld();
    return this.runPendingCommand();
  }

  private isHeld(seq: number): boolean {
    for (let i = 0; i < this.held.length; i++) if (this.held[i]!.seq === seq) return true;
    return false;
  }

  /** The package waits for everything before it; post-copy pages wait for the package's discards. */
  private mustHold(batch: PageBatch): boolean {
    if (batch.kind === 'postcopy-package') return batch.seq !== this.contiguousSeq;
    return batch.kind === 'pages' && batch.phase === 'postcopy' && !this.packageApplied;
  }

  /** `resume-destination`: check memory and start the VM once everything before the command is applied. */
  resume(check: SwitchoverCheck): DestinationOutput[] {
    if (this.currentState === 'dropped' || this.released) return [];
    this.pendingCommand = { kind: 'resume', check };
    return this.runPendingCommand();
  }

  /** `complete-destination` (post-copy end): check that every page arrived. */
  complete(check: SwitchoverCheck): DestinationOutput[] {
    if (this.currentState === 'dropped' || this.released) return [];
    this.pendingCommand = { kind: 'complete', check };
    return this.runPendingCommand();
  }

  /**
   * The post-copy channel was re-established (`migrate-recover`): requests
   * that were lost with the old channel will be made again.
   */
  channelReset(): void {
    this.requested.fill(0);
  }

  /** The migration failed: drop the half-received VM and its memory. */
  drop(): void {
    this.currentState = 'dropped';
    this.releaseMemory();
  }

  /**
   * The migration is over and nobody will read `pageVersions()` again: give
   * the per-page arrays back for reuse by later migrations. The state stays
   * as it was; a batch received afterwards is ignored.
   */
  release(): void {
    this.released = true;
    this.releaseMemory();
  }

  private releaseMemory(): void {
    this.versions.release();
    recycleBuffer(this.requested.buffer);
    this.versions = new GroupedPageVersions(0);
    this.requested = new Uint32Array(0);
    this.held.length = 0;
    this.pendingCommand = null;
  }

  /**
   * Post-copy: the guest (running here) wrote these pages. Absent pages are
   * remote faults; returns how many pages faulted and the requests to send
   * (each absent page is requested once).
   */
  guestWrite(gfnStart: number, count: number): { faultPages: number; requests: DestinationOutput[] } {
    if (this.currentState !== 'running-postcopy' || this.released) return { faultPages: 0, requests: [] };
    let faultPages = 0;
    const gfns: number[] = [];
    const versions = this.versions;
    this.layout.forEachIndexRun(gfnStart, count, (indexStart, runCount) => {
      for (let i = indexStart; i < indexStart + runCount; i++) {
        if (versions.get(i) !== ABSENT_PAGE_VERSION) continue;
        faultPages++;
        const w = i >>> 5;
        const bit = 1 << (i & 31);
        if ((this.requested[w]! & bit) !== 0) continue;
        this.requested[w] = this.requested[w]! | bit;
        gfns.push(this.layout.gfnOfIndex(i));
      }
    });
    return { faultPages, requests: gfns.length > 0 ? [{ type: 'page-request', migrationId: this.migrationId, gfns }] : [] };
  }

  /** Pages of the layout not received (or discarded). */
  absentPageCount(): number {
    if (this.memoryModel === 'fluid') return 0;
    let absent = 0;
    for (const slot of this.layout.slots) absent += this.versions.countAbsent(slot.offset, slot.offset + slot.npages);
    return absent;
  }

  private apply(batch: PageBatch): void {
    this.receivedBatches++;
    if (batch.kind === 'postcopy-package') {
      const discard = batch.discardRanges ?? [];
      for (let r = 0; r < discard.length; r += 2) {
        this.layout.forEachIndexRun(discard[r]!, discard[r + 1]!, (index, n) => this.versions.fill(index, index + n, ABSENT_PAGE_VERSION));
      }
      this.packageApplied = true;
      this.switchSnapshot = { digest: this.versions.digest(), absentPageCount: this.absentPageCount() };
    } else if (batch.kind === 'pages') {
      this.applyPages(batch);
    }
    this.markApplied(batch.seq);
  }

  private applyPages(batch: PageBatch): void {
    // In order with nothing applied ahead: later versions overwrite; else keep the newer per page.
    const placeOnlyAbsent = this.packageApplied;
    const inOrder = batch.seq === this.contiguousSeq && this.appliedAhead.size === 0 && !placeOnlyAbsent;
    // Where applyRun is in batch.versionRuns (fields, not an object per batch).
    this.runCursor = 0;
    this.runLeft = batch.versionRuns[1] ?? 0;
    for (let r = 0; r < batch.ranges.length; r += 2) {
      const gfn = batch.ranges[r]!;
      const count = batch.ranges[r + 1]!;
      const index = this.layout.indexOfRun(gfn, count);
      if (index < 0) {
        throw new MigrationError('MIGRATION_LAYOUT_MISMATCH', `batch ${batch.seq} of ${batch.migrationId}: range ${gfn}+${count} is not inside one memslot`);
      }
      this.applyRun(batch, index, count, inOrder, placeOnlyAbsent);
    }
  }

  private applyRun(batch: PageBatch, indexStart: number, count: number, inOrder: boolean, placeOnlyAbsent: boolean): void {
    const versions = this.versions;
    const runs = batch.versionRuns;
    let index = indexStart;
    const end = indexStart + count;
    while (index < end) {
      while (this.runLeft === 0) {
        this.runCursor += 2;
        if (this.runCursor >= runs.length) throw new MigrationError('MIGRATION_LAYOUT_MISMATCH', `batch ${batch.seq} of ${batch.migrationId}: fewer versions than pages`);
        this.runLeft = runs[this.runCursor + 1]!;
      }
      const version = runs[this.runCursor]!;
      const n = Math.min(this.runLeft, end - index);
      if (inOrder) versions.fill(index, index + n, version);
      else versions.merge(index, index + n, version, placeOnlyAbsent);
      index += n;
      this.runLeft -= n;
    }
  }

  private markApplied(seq: number): void {
    if (seq === this.contiguousSeq) {
      this.contiguousSeq++;
      while (this.appliedAhead.delete(this.contiguousSeq)) this.contiguousSeq++;
    } else {
      this.appliedAhead.add(seq);
    }
  }

  private releaseHeld(): void {
    for (let i = 0; i < this.held.length; ) {
      const batch = this.held[i]!;
      if (this.mustHold(batch)) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      this.apply(batch);
      i = 0;
    }
  }

  private runPendingCommand(): DestinationOutput[] {
    const command = this.pendingCommand;
    // Every batch the source counts as delivered must be applied (batches lost with a channel are not counted).
    if (command === null || this.receivedBatches < command.check.precedingBatchCount) return [];
    this.pendingCommand = null;
    const verification = this.verify(command.check);
    if (command.kind === 'complete') {
      this.currentState = 'running';
      return [{ type: 'completed', migrationId: this.migrationId, verification }];
    }
    this.currentState = command.check.mode === 'postcopy-start' ? 'running-postcopy' : 'running';
    return [{ type: 'resumed', migrationId: this.migrationId, verification }];
  }

  private verify(check: SwitchoverCheck): SwitchoverVerification {
    if (check.mode === 'fluid' || this.memoryModel === 'fluid') {
      return { verified: null, mode: check.mode, sourceDigest: null, destinationDigest: null, absentPageCount: 0, detail: 'fluid model: no page identity to check' };
    }
    const snapshot = check.mode === 'postcopy-start' ? this.switchSnapshot : null;
    const destinationDigest = snapshot?.digest ?? this.versions.digest();
    const expectedAbsent = check.mode === 'postcopy-start' ? check.absentPageCount : 0;
    // Equal digests mean equal version arrays (absent pages included), so the absent count is the source's.
    if (destinationDigest === check.versionsDigest) {
      return { verified: true, mode: check.mode, sourceDigest: check.versionsDigest, destinationDigest, absentPageCount: expectedAbsent };
    }
    const absentPageCount = snapshot?.absentPageCount ?? this.absentPageCount();
    return {
      verified: false,
      mode: check.mode,
      sourceDigest: check.versionsDigest,
      destinationDigest,
      absentPageCount,
      detail:
        absentPageCount !== expectedAbsent
          ? `${absentPageCount} pages absent, expected ${expectedAbsent}`
          : 'page versions differ from the source (a lost or corrupted page)',
    };
  }
}
