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

  update(fraction: number): void {
    if (!this.stream.isTTY) return;
    const nowMs = performance.now();
    if (nowMs - this.startMs < this.delayMs || nowMs - this.lastDrawMs < 100) return;
    this.lastDrawMs = nowMs;
    const clamped = Math.min(1, Math.max(0, fraction));
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 20));
    const filled = Math.round(clamped * width);
    const elapsedS = ((nowMs - this.startMs) / 1000).toFixed(1);
    this.stream.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${elapsedS}s`,
    );
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
