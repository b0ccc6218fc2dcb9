import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { REPORT_CSS } from '@migsim/report';
import { LiveService } from '../live/live.service';
import { QueueHealthService } from '../live/queue-health.service';

/** The page's files (hand-written, no build step), served from apps/controller/public. */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };
const ASSETS = ['live.css', 'live.js', 'live-api.js', 'live-charts.js', 'live-lanes.js', 'live-feed.js', 'live-events.js', 'live-inject.js', 'favicon.svg'];
/** Everything the page loads comes from the controller itself: it works offline, and nothing else may run in it. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";

/**
 * The live page: `GET /` (the page), `GET /live/<file>` (its scripts and
 * styles; `report.css` is the HTML report's stylesheet, so charts look the
 * same), `GET /runs/:id/live` (a run's snapshot for a page opened mid-run)
 * and `GET /live/queues` (job counts per queue).
 */
@Controller()
export class LiveController {
  private readonly files = new Map<string, { type: string; body: string }>();

  constructor(
    @Inject(LiveService) private readonly live: LiveService,
    @Inject(QueueHealthService) private readonly queues: QueueHealthService,
  ) {
    for (const name of ['index.html', ...ASSETS]) this.files.set(name, { type: TYPES[name.split('.').pop()!]!, body: readFileSync(`${PUBLIC_DIR}${name}`, 'utf8') });
    this.files.set('report.css', { type: TYPES.css!, body: REPORT_CSS });
  }

  @Get()
  page(@Res() response: ServerResponse): void {
    this.send(response, 'index.html');
  }

  @Get('live')
  livePage(@Res() response: ServerResponse): void {
    this.send(response, 'index.html');
  }

  @Get('live/queues')
  queueHealth() {
    return this.queues.health();
  }

  @Get('live/:file')
  asset(@Param('file') file: string, @Res() response: ServerResponse): void {
    if (file === 'index.html' || !this.files.has(file)) throw new NotFoundException(`no live page file ${file}`);
    this.send(response, file);
  }

  @Get('runs/:id/live')
  async snapshot(@Param('id') id: string, @Query('samples') samples?: string) {
    const snapshot = await this.live.snapshot(id, samples !== 'false');
    if (snapshot === undefined) throw new NotFoundException(`no run ${id}`);
    return snapshot;
  }

  private send(response: ServerResponse, name: string): void {
    const file = this.files.get(name)!;
    response.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' });
    response.end(file.body);
  }
}
