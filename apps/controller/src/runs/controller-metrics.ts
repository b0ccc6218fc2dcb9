import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of the controller (`GET /metrics`). */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly eventsConsumed = new Counter({ name: 'migsim_host_events_consumed_total', help: 'Host events the controller consumed, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly commandsSent = new Counter({ name: 'migsim_host_commands_sent_total', help: 'Commands the controller queued for hosts, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly migrationsEnded = new Counter({ name: 'migsim_migration_attempts_ended_total', help: 'Migration attempts that ended, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly runs = new Gauge({ name: 'migsim_runs', help: 'Runs known to the controller, by status', labelNames: ['status'], registers: [this.registry] });
  readonly hostsAlive = new Gauge({ name: 'migsim_hosts_alive', help: 'Simulated hosts whose process sent a heartbeat recently', registers: [this.registry] });
  readonly redisUp = new Gauge({ name: 'migsim_redis_up', help: '1 when the controller reached Redis on its last try', registers: [this.registry] });
  readonly deadLetters = new Gauge({ name: 'migsim_dead_letters', help: 'Messages waiting in the dead-letter queue (no consumer could take them)', registers: [this.registry] });
}
