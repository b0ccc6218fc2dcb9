/**
 * A one-line progress bar on stderr. It stays silent when stderr is not a
 * terminal (CI logs, pipes) and for runs that end within the first second.
 */
export class ProgressBar {
  private readonly startMs = performance.now();
  private lastDrawMs = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 1000,
  ) {}

  /**
   * Draws the bar at `fraction` (0..1). With `counts`, it also shows how
   * many of how many are done and, from the rate so far, the time left.
   */
  update(fraction: number, counts?: { done: number; total: number }): void {
    if (!this.stream.isTTY) return;
    const nowMs = performance.now();
    if (nowMs - this.startMs < this.delayMs || nowMs - this.lastDrawMs < 100) return;
    this.lastDrawMs = nowMs;
    const clamped = Math.min(1, Math.max(0, fraction));
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - (counts === undefined ? 20 : 45)));
    const filled = Math.round(clamped * width);
    const elapsedMs = nowMs - this.startMs;
    const elapsedS = (elapsedMs / 1000).toFixed(1);
    const tail = counts === undefined ? `${elapsedS}s` : `${counts.done}/${counts.total} ${elapsedS}s ETA ${etaText(elapsedMs, clamped)}`;
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${tail}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** Time left at the pace so far: `1m12s`, `8s`, `?` before anything is done. */
export function etaText(elapsedMs: number, fraction: number): string {
  if (fraction <= 0) return '?';
  const leftS = Math.round((elapsedMs * (1 - fraction)) / fraction / 1000);
  return leftS >= 60 ? `${Math.floor(leftS / 60)}m${String(leftS % 60).padStart(2, '0')}s` : `${leftS}s`;
}
