import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { QueueBoardAdapter } from '@migsim/transport';

/** Where bull-board's UI and API are mounted. */
export const QUEUE_BOARD_PATH = '/queues';
export const QUEUE_BOARD = Symbol('QUEUE_BOARD');

export interface QueueBoard {
  /** Express router serving bull-board's UI (static files of @bull-board/ui, so it works offline) and its API. */
  readonly router: ReturnType<ExpressAdapter['getRouter']>;
  addQueue(adapter: QueueBoardAdapter): void;
}

/**
 * bull-board over @bull-board/express, mounted by the controller module as
 * middleware. (@bull-board/nestjs is CommonJS and injects @nestjs/core's
 * HttpAdapterHost by class; Nest 12 is ESM-only and, with the services run
 * from source through tsx, a CommonJS `require` of it loads a second copy
 * whose class Nest's container does not know.)
 */
export function createQueueBoard(): QueueBoard {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  const board = createBullBoard({
    queues: [],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'migsim queues', hideDocsLink: true, miscLinks: [{ text: 'Live page', url: '/' }] } },
  });
  serverAdapter.setViewsPath(offlineViews());
  return { router: serverAdapter.getRouter(), addQueue: (adapter) => board.addQueue(adapter) };
}

/**
 * bull-board's page template links its web fonts from Google Fonts. The
 * controller must work offline (and its page is tested with the network
 * closed), so it renders a copy of the package's template without that link:
 * the UI falls back to the browser's sans-serif and monospace faces.
 */
function offlineViews(): string {
  const ui = dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));
  const template = readFileSync(join(ui, 'dist', 'index.ejs'), 'utf8').replace(/^\s*<link href="https:\/\/fonts\.googleapis\.com[^>]*>\s*$/m, '');
  if (template.includes('fonts.googleapis.com')) throw new Error(`bull-board's template (${join(ui, 'dist', 'index.ejs')}) links Google Fonts in a way this controller does not recognise`);
  // One folder per template version, shared by every controller on the machine (written once, atomically).
  const dir = join(tmpdir(), `migsim-bull-board-${createHash('sha256').update(template).digest('hex').slice(0, 16)}`);
  if (!existsSync(join(dir, 'index.ejs'))) {
    mkdirSync(dir, { recursive: true });
    const partial = join(dir, `index.ejs.${process.pid}`);
    writeFileSync(partial, template);
    renameSync(partial, join(dir, 'index.ejs'));
  }
  return dir;
}
