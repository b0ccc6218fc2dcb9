import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DeadLetters } from '@migsim/transport/nest';
import { RunsService } from '../runs/runs.service';

/** `GET /health` (terminus, with a Redis check) and `GET /metrics` (Prometheus text). */
@Controller()
export class OpsController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DeadLetters) private readonly deadLetters: DeadLetters,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('redis');
        return (await this.runs.redisReachable()) ? session.up() : session.down({ message: `Redis at ${this.runs.config.redisUrl} does not answer PING` });
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    // While Redis is away the gauge keeps its last count (migsim_redis_up says why).
    await this.deadLetters.count().then((count) => this.runs.metrics.deadLetters.set(count), () => undefined);
    return this.runs.metrics.registry.metrics();
  }
}
