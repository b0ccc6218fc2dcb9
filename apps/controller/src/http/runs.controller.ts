import type { IncomingMessage } from 'node:http';
import { BadRequestException, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, PayloadTooLargeException, Post, Query, Req } from '@nestjs/common';
import type { Report } from '@migsim/report';
import { formatDuration, ScenarioError } from '@migsim/scenario';
import { liveMigrationViews, reportedMigrationViews, type VariantMigrations } from '../runs/migration-views';
import type { RunRecord } from '../runs/run-record';
import { RunsService, ScenarioRejectedError } from '../runs/runs.service';
import { ModelMemoryAdmission } from './model-memory-admission';
import { readBody } from './read-body';
import { injectionProblems, readInjectedFault } from './injected-fault';

/** Runs, their migrations (query-migrate shaped), VMs and reports. */
@Controller()
export class RunsController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(ModelMemoryAdmission) private readonly modelMemory: ModelMemoryAdmission,
  ) {}

  @Post('runs')
  @HttpCode(201)
  async create(@Req() request: IncomingMessage, @Query('file') file?: string) {
    const text = await readBody(request);
    this.modelMemory.admit(text, file ?? 'scenario');
    try {
      const record = await this.runs.createRun(text, file ?? 'scenario');
      return this.summary(record);
    } catch (error) {
      if (error instanceof ScenarioRejectedError) throw new BadRequestException({ statusCode: 400, error: 'invalid scenario', problems: error.problems });
      throw error;
    }
  }

  /**
   * "Inject now": one entry of a scenario's `faults:` list (a host crash, a
   * link down, a cancel, ...) without `at`, into every variant of a running
   * run at the start of its next window of virtual time.
   */
  @Post('runs/:id/faults')
  @HttpCode(201)
  async inject(@Param('id') id: string, @Req() request: IncomingMessage) {
    const record = this.record(id);
    if (record.status !== 'running') throw new ConflictException(`run ${id} is ${record.status}; faults go into a running run`);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request, 64 * 1024));
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw error;
      throw new BadRequestException({ statusCode: 400, error: 'invalid fault', problems: [`body: expected JSON (${(error as Error).message})`] });
    }
    const read = readInjectedFault(body);
    if (read.entry === undefined) throw new BadRequestException({ statusCode: 400, error: 'invalid fault', problems: read.problems });
    let atNs: number | undefined;
    try {
      atNs = await this.runs.inject(id, read.entry);
    } catch (error) {
      if (error instanceof ScenarioError) throw new BadRequestException({ statusCode: 400, error: 'invalid fault', problems: injectionProblems(error.problems) });
      throw error;
    }
    if (atNs === undefined) throw new ConflictException(`run ${id} is in its last window (or not run by this controller); no fault can go in any more`);
    return { run: id, fault: { ...read.entry, at: formatDuration(atNs) }, atMs: atNs / 1e6 };
  }

  @Get('runs')
  list() {
    return this.runs.runs().map((record) => this.summary(record));
  }

  @Get('runs/:id')
  async get(@Param('id') id: string) {
    const record = this.record(id);
    return { ...this.summary(record), shards: record.shards, variants: await this.migrationsOf(record) };
  }

  /** Every variant's migrations in one list, each with its variant's name: GET /runs/:id's, flattened. */
  @Get('runs/:id/migrations')
  async migrations(@Param('id') id: string) {
    const record = this.record(id);
    return (await this.migrationsOf(record)).flatMap((variant) => variant.migrations.map((migration) => ({ variant: variant.name, ...migration })));
  }

  @Get('runs/:id/vms')
  async vms(@Param('id') id: string) {
    const record = this.record(id);
    const report = await this.runs.report(id);
    if (report === null) throw new ConflictException(`run ${id} is ${record.status}; its VMs' reports exist once it completed`);
    return report.variants.flatMap((variant) => variant.vms.map((vm) => ({ variant: variant.name, name: vm.name, host: vm.host, recoveries: vm.recoveries })));
  }

  @Get('runs/:id/report')
  async report(@Param('id') id: string): Promise<Report> {
    const record = this.record(id);
    if (record.status !== 'completed') throw new ConflictException(`run ${id} is ${record.status}; its report exists once it completed`);
    const report = await this.runs.report(id);
    if (report === null) throw new NotFoundException(`run ${id}: report missing from Redis`);
    return report;
  }

  /** The shards runs are spread over, and which host worker serves each. */
  @Get('shards')
  shards() {
    return this.runs.shards();
  }

  /**
   * Each variant's migrations: the controllers' records while the run goes,
   * the report's once it completed (the controllers are gone by then). A
   * failed run has no report: it shows what its controllers held when it
   * failed, as long as this process has them (nothing after a restart).
   */
  private async migrationsOf(record: RunRecord): Promise<VariantMigrations[]> {
    const report = record.status === 'completed' ? await this.runs.report(record.id) : null;
    if (report !== null) return reportedMigrationViews(report);
    return liveMigrationViews(record.id, this.runs.scenarioOf(record), this.runs.controllersOf(record.id), this.runs.news);
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
      simulatedMs: Math.round(this.runs.reachedNs(record) / 1e6),
      createdAtMs: record.createdAtMs,
      finishedAtMs: record.finishedAtMs,
      error: record.error,
    };
  }
}
