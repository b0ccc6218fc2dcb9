import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Looks `name` up in a PATH value the caller passes in (never `process.env`),
 * the way a shell would: first executable regular file wins.
 */
export function findExecutable(name: string, pathValue: string | undefined): string | undefined {
  if (pathValue === undefined || pathValue === '') return undefined;
  for (const dir of pathValue.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}
