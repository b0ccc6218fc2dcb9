import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './cli-error';

/** Reads a user-named file, turning I/O errors into one clear sentence. */
export function readUserFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`${path}: cannot read the ${what}: ${reason}`);
  }
}

/**
 * Writes an output file whole or not at all: the content goes to a temporary
 * sibling first and is renamed into place, so an interrupted run never leaves
 * a half-written report behind.
 */
export function writeOutputFile(path: string, content: string): void {
  const target = resolve(path);
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    throw new CliError(`${path}: cannot write the output file: ${(error as Error).message}`);
  }
}
