import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from './controller-metrics';

describe('controller metrics', () => {
  it('metrics: a running run shows the window it is in; once it ended its series is gone and it is counted by status', async () => {
    const metrics = new ControllerMetrics();
    metrics.windowOpened('run-a', 0);
    metrics.windowOpened('run-a', 3);
    metrics.windowOpened('run-b', 7);
    let text = await metrics.registry.metrics();
    expect(text).toMatch(/^migsim_run_window\{run="run-a"\} 3$/m);
    expect(text).toMatch(/^migsim_run_window\{run="run-b"\} 7$/m);

    metrics.runEnded('run-a', 'completed');
    metrics.runEnded('run-b', 'failed');
    text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^migsim_run_window\{/m);
    expect(text).toMatch(/^migsim_runs_ended_total\{status="completed"\} 1$/m);
    expect(text).toMatch(/^migsim_runs_ended_total\{status="failed"\} 1$/m);
  });
});
