import { scenarioJsonSchema } from '@migsim/scenario';
import { parseOptions } from '../args';
import type { CommandContext } from '../command-context';

export function runSchema(ctx: CommandContext): number {
  parseOptions(ctx.args, {}, 'schema');
  ctx.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
