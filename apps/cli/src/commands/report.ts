import { parseReport, renderHtml, renderJson, renderMigrationsCsv, renderText, ReportParseError } from '@migsim/report';
import { parseOptions } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../command-context';
import { readUserFile, writeOutputFile } from '../files';

export function runReport(ctx: CommandContext): number {
  const { values, positionals } = parseOptions(
    ctx.args,
    { html: { type: 'string' }, format: { type: 'string', default: 'text' }, 'no-color': { type: 'boolean', default: false } },
    'report',
  );
  if (positionals.length !== 1) throw new CliError('migsim report: expected one JSON report, e.g. migsim report report.json --html report.html');
  if (values.format !== 'text' && values.format !== 'json' && values.format !== 'csv') {
    throw new CliError(`migsim report: --format: found "${values.format}", expected one of text, json, csv`);
  }
  const file = positionals[0]!;
  const text = readUserFile(file, 'report');
  let report;
  try {
    report = parseReport(text, file);
  } catch (error) {
    if (error instanceof ReportParseError) throw new CliError(error.message);
    throw error;
  }
  if (values.html) writeOutputFile(values.html, renderHtml(report));
  const rendered =
    values.format === 'json' ? renderJson(report) : values.format === 'csv' ? renderMigrationsCsv(report) : renderText(report, { color: !values['no-color'] && Boolean(ctx.stdout.isTTY) });
  ctx.stdout.write(rendered);
  if (values.html && values.format === 'text') ctx.stdout.write(`html: ${values.html}\n`);
  return 0;
}
