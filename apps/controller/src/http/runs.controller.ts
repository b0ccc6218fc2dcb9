import type { IncomingMessage } from 'node:http';
import { BadRequestException, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import type { Report } from '@migsim/report';
import type { RunRecord } from '../runs/run-record';
import { migrationView } from '../runs/migration-state';
import { RunsService, ScenarioRejectedError } from '../runs/runs.service';
import { readBody } from './read-body';

/** Runs, their migrations (query-migrate shaped), VMs and reports. */
@Controller()
export class RunsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Post('runs')
  @HttpCode(201)
  async create(@Req() request: IncomingMessage, @Query('file') file?: string) {
    const text = await readBody(request);
    try {
      const record = await this.runs.createRun(text, file ?? 'scenario');
      return this.summary(record);
    } catch (error) {
      if (error instanceof ScenarioRejectedError) throw new BadRequestException({ statusCode: 400, error: 'invalid scenario', problems: error.problems });
      throw error;
    }
  }

  @Get('runs')
  list() {
    return this.runs.runs().map((record) => this.summary(record));
  }

  @Get('runs/:id')
  get(@Param('id') id: string) {
    const record = this.record(id);
    return { ...this.summary(record), variants: record.variants.map((variant) => ({ name: variant.name, done: variant.done, migrations: variant.migrations.map(migrationView) })) };
  }

  @Get('runs/:id/migrations')
  migrations(@Param('id') id: string) {
    return this.record(id).variants.flatMap((variant) => variant.migrations.map((migration) => ({ variant: variant.name, ...migrationView(migration) })));
  }

  @Get('runs/:id/vms')
  vms(@Param('id') id: string) {
    return this.record(id).variants.flatMap((variant) =>
      Object.values(variant.vmReports).map((result) => ({ variant: variant.name, name: result.report.name, host: result.report.host, lost: result.lost, recoveries: result.report.recoveries })),
    );
  }

  @Get('runs/:id/report')
  async report(@Param('id') id: string): Promise<Report> {
    const record = this.record(id);
    if (record.status !== 'completed') throw new ConflictException(`run ${id} is ${record.status}; its report exists once it completed`);
    const report = await this.runs.report(id);
    if (report === null) throw new NotFoundException(`run ${id}: report missing from Redis`);
    return report;
  }

  @Get('hosts')
  hosts() {
    return this.runs.hosts();
  }

  private record(id: string): RunRecord {
    const record = this.runs.run(id);
    if (record === undefined) throw new NotFoundException(`no run ${id}`);
    return record;
  }

  private summary(record: RunRecord) {
    return {
      id: record.id,
      status: record.status,
      scenario: record.fileName,
      seed: record.seed,
      speed: record.speed,
      epochMs: record.epochMs,
      simulatedMs: record.status === 'running' ? Math.round(this.runs.simNowNs(record) / 1e6) : null,
      createdAtMs: record.createdAtMs,
      finishedAtMs: record.finishedAtMs,
      error: record.error,
    };
  }
}
