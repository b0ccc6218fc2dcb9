import { parseReport, renderHtml, renderJson, renderText, type Report } from '@migsim/report';
import { parseOptions } from '../args';
import { CliError, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_OK } from '../cli-error';
import type { CommandContext } from '../command-context';
import { readUserFile, writeOutputFile } from '../files';
import { readScenarioFile } from '../scenario-file';

const DEFAULT_CONTROLLER = 'http://127.0.0.1:8080';
const POLL_MS = 500;

/**
 * `migsim run <scenario> [--controller URL] [--out report.json] [--html report.html]`:
 * submits a scenario to a running controller (`POST /runs`), waits for the
 * run to end, and prints / writes its report exactly as `migsim simulate`
 * does (same schema, `engine: "services"`). A controller started with
 * MIGSIM_API_TOKEN needs the same token: it is sent from this process's
 * MIGSIM_API_TOKEN as `Authorization: Bearer` when set.
 */
export async function runRun(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(
    ctx.args,
    {
      controller: { type: 'string', default: DEFAULT_CONTROLLER },
      out: { type: 'string' },
      html: { type: 'string' },
      'no-color': { type: 'boolean', default: false },
    },
    'run',
  );
  if (positionals.length !== 1) {
    throw new CliError('migsim run: expected one scenario file, e.g. migsim run scenarios/failed-migration-recovery.yaml --controller http://127.0.0.1:8080');
  }
  const file = positionals[0]!;
  const controller = (values.controller ?? DEFAULT_CONTROLLER).replace(/\/+$/, '');
  // Validate locally first: the same errors as `simulate`, before anything is sent.
  readScenarioFile(file, { modelMemory: false });
  const text = readUserFile(file, 'scenario file');

  const token = process.env.MIGSIM_API_TOKEN;
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const created = await request(controller, `/runs?file=${encodeURIComponent(file)}`, { method: 'POST', body: text, headers: { 'content-type': 'application/yaml', ...authorization } });
  const submitted = (await created.json()) as { id?: string; problems?: string[]; message?: string };
  if (created.status === 401) {
    throw new CliError(`migsim run: ${controller} refused the run: ${submitted.message ?? 'HTTP 401'}; ${token ? 'MIGSIM_API_TOKEN here is not the controller\'s' : 'set MIGSIM_API_TOKEN to the controller\'s token'}`);
  }
  if (created.status === 400) throw new CliError((submitted.problems ?? [String(submitted.message)]).join('\n'));
  if (created.status === 413) throw new CliError(`${file}: ${controller} refused it: ${submitted.message ?? 'HTTP 413, request body too large'}`);
  if (created.status !== 201 || submitted.id === undefined) throw new CliError(`migsim run: ${controller} refused the run: HTTP ${created.status}`, EXIT_INTERNAL);
  const id = submitted.id;
  ctx.stderr.write(`run ${id} submitted to ${controller}\n`);

  for (;;) {
    const state = (await (await request(controller, `/runs/${id}`)).json()) as { status: string; error: string | null; simulatedMs: number | null };
    if (state.status === 'failed') throw new CliError(`migsim run: run ${id} failed: ${state.error}`, EXIT_INTERNAL);
    if (state.status === 'completed') break;
    await new Promise((wake) => setTimeout(wake, POLL_MS));
  }
  const report: Report = parseReport(await (await request(controller, `/runs/${id}/report`)).text(), `${controller}/runs/${id}/report`);
  if (values.out) writeOutputFile(values.out, renderJson(report));
  if (values.html) writeOutputFile(values.html, renderHtml(report));
  ctx.stdout.write(renderText(report, { color: !values['no-color'] && Boolean(ctx.stdout.isTTY) }));
  for (const [label, path] of [['report', values.out], ['html', values.html]] as const) {
    if (path) ctx.stdout.write(`${label}: ${path}\n`);
  }
  return report.summary.checks.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

async function request(controller: string, path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`${controller}${path}`, init);
  } catch (error) {
    throw new CliError(`migsim run: cannot reach the controller at ${controller} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}); start one with \`npm start\` or pass --controller URL`);
  }
}
