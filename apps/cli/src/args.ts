import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error';

/** Parses options strictly, turning node's parse errors into a usage error. */
export function parseOptions<T extends ParseArgsConfig['options']>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`migsim ${command}: ${(error as Error).message}\nRun 'migsim help' for usage.`);
  }
}
