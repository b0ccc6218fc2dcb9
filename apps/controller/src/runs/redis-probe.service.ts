import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RunsService } from './runs.service';

/** How often the controller PINGs Redis: a scrape sees an outage within about this plus the state store's command timeout (2 s). */
export const REDIS_PROBE_EVERY_MS = 2_000;

/**
 * Keeps `migsim_redis_up` current whether or not anyone calls /health: a
 * PING from start-up, then every REDIS_PROBE_EVERY_MS (one at a time: a PING
 * waiting out its timeout holds the next back), until shutdown begins.
 */
@Injectable()
export class RedisProbeService implements OnModuleInit, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  async onModuleInit(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), REDIS_PROBE_EVERY_MS);
  }

  /** Before RunsService closes its connection (onApplicationShutdown), so no PING fails on a closed one. */
  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await this.runs.redisReachable();
    } finally {
      this.probing = false;
    }
  }
}
