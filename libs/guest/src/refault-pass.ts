/**
 * Decides when the guest must re-touch its working set, walks it region by
 * region (2 MiB) within a vCPU-time budget, and keeps an estimate of how
 * much of the working set has no SPTE.
 *
 * Why a pass, and why it is cheap: the guest reads its whole working set
 * all the time, so any working-set page that loses its SPTE (a recovery
 * zapped it, or a legacy MMU dropped a huge SPTE on a logged write) is hit
 * again within microseconds, and each hit is a page fault. What limits the
 * refill is vCPU time: each fault costs its simulated ns, and the vCPUs
 * only have vcpus x step ns. The pass touches regions in address order
 * until that budget is spent; the order is immaterial to the counts.
 *
 * To keep a step's work independent of memory size, the pass only runs
 * when something was unmapped: when the VM's unmapped bytes rose since the
 * last look, or exceed what was left unmapped when the last pass completed
 * (by then, all of it is memory the guest never touches). A rise during a
 * pass restarts a full cycle, so a region unmapped behind the cursor is
 * never missed.
 *
 * The working-set estimate: only guest faults map memory back, and the
 * guest only faults its working set, so every fall of the VM's unmapped
 * bytes comes off the working set. A rise is charged to the working set
 * first (up to its size): exact when a recovery zaps what the guest's own
 * writes split (all inside the working set) or when it zaps everything
 * (eager split); when a zap hits only untouched memory, the next pass finds
 * nothing to fault and resets the estimate to 0.
 */
export class RefaultPass {
  private active = false;
  private nextRegion = 0;
  private regionsLeft = 0;
  private completedThisStep = false;
  /** Unmapped bytes when the last pass completed: memory the guest never touches. */
  private outsideUnmappedBytes: number | null = null;
  /** Unmapped bytes at the last look. */
  private lastSeenUnmappedBytes: number | null = null;
  private workingSetUnmapped = 0;

  constructor(
    readonly regionCount: number,
    readonly workingSetBytes: number,
    /** Touches one region; returns the simulated ns its faults cost. */
    private readonly touchRegion: (regionIndex: number) => number,
    /**
     * How many regions from `regionIndex` (at most `limit`) are mapped
     * throughout: touching them would cost nothing and change nothing, so the
     * pass steps over them (and calls `skipped`, for what a touch would have
     * moved on, such as the vCPU rotation). Without it every region is touched.
     */
    private readonly mappedFrom: (regionIndex: number, limit: number) => number = () => 0,
    private readonly skipped: (regions: number) => void = () => {},
  ) {}

  /** True while regions of the working set remain to be re-touched. */
  get inProgress(): boolean {
    return this.active;
  }

  /** Estimated bytes of the working set with no SPTE (see the class comment). */
  get workingSetUnmappedBytes(): number {
    return this.workingSetUnmapped;
  }

  /** Call with the VM's unmapped bytes whenever they may have changed (step start, after the writes). */
  observe(unmappedBytes: number): void {
    const last = this.lastSeenUnmappedBytes;
    this.account(unmappedBytes);
    const rose = last !== null && unmappedBytes > last;
    const unexplained = this.outsideUnmappedBytes === null ? unmappedBytes > 0 : unmappedBytes > this.outsideUnmappedBytes;
    if (rose || (!this.active && unexplained)) {
      this.active = true;
      this.regionsLeft = this.regionCount;
    }
  }

  /** Touches regions until `budgetNs` of fault time is spent or the pass completes; returns the ns spent. */
  run(budgetNs: number): number {
    let spentNs = 0;
    while (this.active && spentNs < budgetNs) {
      // A region mapped throughout is a free touch: step over a run of them at once (the work then follows
      // the regions to re-fault, not the working set, when a legacy MMU drops a few huge SPTEs every step).
      const mapped = this.mappedFrom(this.nextRegion, Math.min(this.regionsLeft, this.regionCount - this.nextRegion));
      if (mapped > 0) {
        this.skipped(mapped);
        this.advance(mapped);
        continue;
      }
      spentNs += this.touchRegion(this.nextRegion);
      this.advance(1);
    }
    return spentNs;
  }

  private advance(regions: number): void {
    this.nextRegion = (this.nextRegion + regions) % this.regionCount;
    this.regionsLeft -= regions;
    if (this.regionsLeft === 0) {
      this.active = false;
      this.completedThisStep = true;
    }
  }

  /** Call at the end of the step with the VM's unmapped bytes. */
  settle(unmappedBytes: number): void {
    this.account(unmappedBytes);
    if (this.completedThisStep) {
      this.outsideUnmappedBytes = unmappedBytes;
      this.workingSetUnmapped = 0;
      this.completedThisStep = false;
    }
  }

  private account(unmappedBytes: number): void {
    const last = this.lastSeenUnmappedBytes;
    const change = last === null ? unmappedBytes : unmappedBytes - last;
    this.workingSetUnmapped = Math.min(this.workingSetBytes, Math.max(0, this.workingSetUnmapped + change));
    this.lastSeenUnmappedBytes = unmappedBytes;
  }
}
