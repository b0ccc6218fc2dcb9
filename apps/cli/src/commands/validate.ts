import { parseOptions } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../command-context';
import { readScenarioFile } from '../scenario-file';

export function runValidate(ctx: CommandContext): number {
  const { positionals } = parseOptions(ctx.args, {}, 'validate');
  if (positionals.length !== 1) throw new CliError('migsim validate: expected one scenario file, e.g. migsim validate scenarios/failed-migration-recovery.yaml');
  const file = positionals[0]!;
  const scenario = readScenarioFile(file);
  ctx.stdout.write(`${file}: valid scenario '${scenario.name}' (${scenario.hosts.length} hosts, ${scenario.vms.length} VMs)\n`);
  return 0;
}
