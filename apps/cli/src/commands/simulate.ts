import { renderHtml, renderJson, renderMigrationsCsv, renderText, type Report } from '@migsim/report';
import { loadScenario, ScenarioError, type Scenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { loadCell, parseSetOption, SweepInputError } from '@migsim/sweep';
import { parseOptions } from '../args';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../cli-error';
import type { CommandContext } from '../command-context';
import { readUserFile, writeOutputFile } from '../files';
import { ProgressBar } from '../progress-bar';
import { readScenarioFile } from '../scenario-file';

/** csv: one row per migration (every variant), the columns of libs/report's MIGRATION_ROW_COLUMNS. */
const FORMATS = ['text', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

export function runSimulate(ctx: CommandContext): number {
  const { values, positionals } = parseOptions(
    ctx.args,
    {
      seed: { type: 'string' },
      out: { type: 'string' },
      html: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'no-color': { type: 'boolean', default: false },
      variant: { type: 'string', multiple: true },
      set: { type: 'string', multiple: true, default: [] },
    },
    'simulate',
  );
  if (positionals.length !== 1) {
    throw new CliError('migsim simulate: expected one scenario file, e.g. migsim simulate scenarios/failed-migration-recovery.yaml');
  }
  const file = positionals[0]!;
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
  const format = parseFormat(values.format);

  // Validate everything before simulating: a bad file never starts a run.
  const scenario = values.set.length === 0 ? readScenarioFile(file) : readScenarioWithSets(file, values.set);
  const variants = values.variant;
  if (variants !== undefined) {
    const names = scenario.variants.map((variant) => variant.name);
    for (const name of variants) {
      if (!names.includes(name)) throw new CliError(`migsim simulate: --variant: found "${name}", expected a variant of ${file} (${names.join(', ')})`);
    }
  }
  const progress = new ProgressBar(`simulating ${scenario.name}`, ctx.stderr);
  let report: Report;
  try {
    report = simulate(scenario, { seed, scenarioFile: file, onProgress: (fraction) => progress.update(fraction), ...(variants === undefined ? {} : { variants }) });
  } finally {
    progress.done();
  }

  const json = renderJson(report);
  if (values.out) writeOutputFile(values.out, json);
  if (values.html) writeOutputFile(values.html, renderHtml(report));
  if (format === 'json') ctx.stdout.write(json);
  else if (format === 'csv') ctx.stdout.write(renderMigrationsCsv(report));
  else ctx.stdout.write(renderText(report, { color: !values['no-color'] && Boolean(ctx.stdout.isTTY) }));
  if (format === 'text') {
    for (const [label, path] of [['report', values.out], ['html', values.html]] as const) {
      if (path) ctx.stdout.write(`${label}: ${path}\n`);
    }
  }
  return failedChecks(report) > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

export function failedChecks(report: Report): number {
  return report.variants.reduce((sum, variant) => sum + variant.checks.filter((check) => !check.passed).length, 0);
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffff_ffff) {
    throw new CliError(`migsim simulate: --seed: found "${text}", expected a whole number from 0 to 4294967295`);
  }
  return Number(text);
}

function parseFormat(text: string | undefined): Format {
  if (!FORMATS.includes(text as Format)) {
    throw new CliError(`migsim simulate: --format: found "${text}", expected one of ${FORMATS.join(', ')}`);
  }
  return text as Format;
}

/**
 * The scenario with `--set path=value` applied (as \`migsim sweep\` applies one
 * cell of its grid), so a sweep's failing run reproduces with one command.
 */
function readScenarioWithSets(file: string, options: readonly string[]): Scenario {
  const text = readUserFile(file, 'scenario file');
  try {
    loadScenario(text, file);
    const sets = options.map((option) => {
      const parameter = parseSetOption(option);
      if (parameter.values.length !== 1) throw new SweepInputError('--set', `${parameter.path}: found ${parameter.values.length} values, expected one (a sweep tries several; simulate runs one)`);
      return { path: parameter.path, text: parameter.values[0]!.text, value: parameter.values[0]!.value };
    });
    return loadCell(text, file, sets);
  } catch (error) {
    if (error instanceof SweepInputError) throw new CliError(`migsim simulate: ${error.message}`);
    if (error instanceof ScenarioError) throw new CliError(error.format());
    throw error;
  }
}
