import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RedisStateStore } from '@migsim/transport';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';
import { RunsService } from './runs.service';

const POLL_MS = 250;

/**
 * MIGSIM_RUN_SCENARIO: submits that scenario once, as `docker compose up`
 * expects — when a host worker serves every shard runs are spread over
 * (containers start in any order), and at most once per deployment: a key in Redis, set with
 * SET NX before the run is created, keeps a restarted controller from
 * starting it again. The key is per file path and content, so an edited
 * file runs again.
 */
@Injectable()
export class AutoStartService implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(RunsService) private readonly runs: RunsService,
  ) {}

  onApplicationBootstrap(): void {
    const scenario = this.config.runScenario;
    if (scenario !== null) this.starting = this.start(scenario.file, scenario.text);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.starting;
  }

  private async start(file: string, text: string): Promise<void> {
    const fileName = basename(file);
    let waitingLogged = false;
    while (!this.stopped) {
      const missing = (await this.runs.shards().catch(() => [])).filter((shard) => !shard.served).map((shard) => shard.name);
      if (missing.length === 0) break;
      if (!waitingLogged) this.log(`${file}: waiting for host workers to serve ${missing.join(', ')} before starting it`);
      waitingLogged = true;
      await sleep(POLL_MS);
    }
    const key = `controller:autostart:${createHash('sha256').update(`${file}\n${text}`).digest('hex').slice(0, 16)}`;
    const store = new RedisStateStore({ url: this.config.redisUrl, namespace: this.config.namespace });
    try {
      // At most once: the key is taken before the run exists (a crash in between loses the start, never doubles it).
      const claimed = await this.retry(file, () => store.setIfAbsent(key, 'submitting'));
      if (claimed === undefined) return;
      if (!claimed) {
        this.log(`${file} was started before (${await store.get(key).catch(() => 'run unknown')}); not starting it again`);
        return;
      }
      const record = await this.retry(file, () => this.runs.createRun(text, fileName));
      if (record === undefined) return;
      this.log(`${file}: started run ${record.id}`);
      await this.retry(file, () => store.set(key, record.id));
    } finally {
      store.close();
    }
  }

  /** Runs `step` until it succeeds (Redis may still be coming up) or the controller stops (undefined). */
  private async retry<T>(file: string, step: () => Promise<T>): Promise<T | undefined> {
    while (!this.stopped) {
      try {
        return await step();
      } catch (error) {
        this.log(`${file}: ${(error as Error).message}; trying again in 1 s`);
        await sleep(1_000);
      }
    }
    return undefined;
  }

  private log(line: string): void {
    process.stderr.write(`[controller] MIGSIM_RUN_SCENARIO ${line}\n`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}
