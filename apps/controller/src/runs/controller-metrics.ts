import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of the controller (`GET /metrics`). */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly messagesConsumed = new Counter({ name: 'migsim_coordinator_messages_total', help: 'Window reports and facts the coordinator took in, by type', labelNames: ['type'], registers: [this.registry] });
  readonly runs = new Counter({ name: 'migsim_runs_ended_total', help: 'Runs that ended, by status', labelNames: ['status'], registers: [this.registry] });
  readonly windows = new Gauge({ name: 'migsim_run_window', help: 'The window of virtual time each running run is in', labelNames: ['run'], registers: [this.registry] });
  readonly redisUp = new Gauge({ name: 'migsim_redis_up', help: '1 when the controller reached Redis on its last try (a PING every few seconds)', registers: [this.registry] });
  readonly deadLetters = new Gauge({ name: 'migsim_dead_letters', help: 'Messages waiting in the dead-letter queue (no consumer could take them)', registers: [this.registry] });

  /** The coordinator opened window `window` of a running run. */
  windowOpened(run: string, window: number): void {
    this.windows.set({ run }, window);
  }

  /** A run completed or failed: counted, and its window series dropped (one per ended run would pile up for ever). */
  runEnded(run: string, status: 'completed' | 'failed'): void {
    this.runs.inc({ status });
    this.windows.remove({ run });
  }
}
