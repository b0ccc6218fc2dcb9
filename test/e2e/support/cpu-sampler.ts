import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What the sampler reads the Redis server's CPU through (`RedisCpuProbe` of @migsim/transport). */
export interface CpuSecondsSource {
  cpuSeconds(): Promise<number>;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a live process (Linux /proc), or null where there is no /proc. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Resident set size of a live process in MiB (Linux /proc), or null where there is no /proc. */
export function processRssMiB(pid: number): number | null {
  return statusMiB(pid, 'VmRSS');
}

/** The largest resident set a live process has had since it started, in MiB (Linux /proc `VmHWM`), or null where there is no /proc. */
export function processPeakRssMiB(pid: number): number | null {
  return statusMiB(pid, 'VmHWM');
}

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Math.round(Number(match[1]) / 1024);
  } catch {
    return null;
  }
}

interface Sample {
  atMs: number;
  seconds: Record<string, number>;
}

/**
 * CPU seconds of named processes (and of the Redis server, through its
 * probe), sampled every `intervalMs` of wall time, so a window found only
 * afterwards (from the queues' own timestamps) can be charged its CPU by
 * interpolating between the samples around its ends.
 */
export class CpuSampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly pids: Readonly<Record<string, number>>,
    private readonly redis: CpuSecondsSource,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    const tick = () => {
      this.sampling = this.sample().then(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sampling;
    await this.sample();
  }

  /** CPU seconds each process used between wall times `fromMs` and `toMs` (interpolated); `redis` is the server. */
  usedBetween(fromMs: number, toMs: number): Record<string, number> {
    const used: Record<string, number> = {};
    for (const name of [...Object.keys(this.pids), 'redis']) {
      const from = this.at(name, fromMs);
      const to = this.at(name, toMs);
      if (from !== null && to !== null) used[name] = Math.max(0, to - from);
    }
    return used;
  }

  private async sample(): Promise<void> {
    const seconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const cpu = processCpuSeconds(pid);
      if (cpu !== null) seconds[name] = cpu;
    }
    try {
      seconds.redis = await this.redis.cpuSeconds();
    } catch {
      // Redis away for a moment: this sample has no Redis figure.
    }
    this.samples.push({ atMs: Date.now(), seconds });
  }

  private at(name: string, atMs: number): number | null {
    const points = this.samples.filter((sample) => sample.seconds[name] !== undefined);
    if (points.length === 0) return null;
    const after = points.findIndex((sample) => sample.atMs >= atMs);
    if (after === -1) return points.at(-1)!.seconds[name]!;
    if (after === 0) return points[0]!.seconds[name]!;
    const [a, b] = [points[after - 1]!, points[after]!];
    const fraction = b.atMs === a.atMs ? 1 : (atMs - a.atMs) / (b.atMs - a.atMs);
    return a.seconds[name]! + fraction * (b.seconds[name]! - a.seconds[name]!);
  }
}
