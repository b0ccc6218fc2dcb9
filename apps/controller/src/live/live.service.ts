import { Inject, Injectable } from '@nestjs/common';
import { RunsService } from '../runs/runs.service';
import { buildLiveSnapshot, type LiveSnapshot } from './live-snapshot';

/**
 * The live page's view of a run: a snapshot for a page opened mid-run (or
 * after it ended), from the run's controllers, the shards' news and, once
 * the run completed, its report.
 */
@Injectable()
export class LiveService {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  /** The run as the page draws it; undefined for an unknown run. */
  async snapshot(id: string, withSamples: boolean): Promise<LiveSnapshot | undefined> {
    const record = this.runs.run(id);
    if (record === undefined) return undefined;
    const report = record.status === 'completed' ? await this.runs.report(id) : null;
    return buildLiveSnapshot({
      record,
      scenario: this.runs.scenarioOf(record),
      controllers: this.runs.controllersOf(id),
      news: this.runs.news,
      report,
      simulatedMs: this.runs.reachedNs(record) / 1e6,
      withSamples,
    });
  }
}
