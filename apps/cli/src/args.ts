import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error';

/**
 * Parses options strictly, turning node's parse errors into a usage error.
 * A value that starts with "-" (`--seed -1`) is taken as the option's value,
 * not as an option of its own, so the option's own check can say what it
 * expects.
 */
export function parseOptions<T extends ParseArgsConfig['options']>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args: attachDashedValues(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`migsim ${command}: ${(error as Error).message}\nRun 'migsim ${command} --help' for usage.`);
  }
}

function attachDashedValues(args: readonly string[], options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = args[i + 1];
    if (name !== undefined && options?.[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
