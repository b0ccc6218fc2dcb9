import { describeFound, type Path } from '../schema/issues';
import type { NormalizeContext } from './normalize-context';

/**
 * The names an entry declares: `name` alone, or with `count` the template
 * with {i} = 1..count (or `<name>-<i>` when it holds no {i}).
 */
export function expandNames(name: string, count: number | undefined, path: Path, context: NormalizeContext): string[] {
  if (count === undefined) {
    if (name.includes('{i}')) context.add([...path, 'name'], describeFound(name), 'a name without {i} (add count to declare several)');
    return [name];
  }
  const template = name.includes('{i}') ? name : `${name}-{i}`;
  return Array.from({ length: count }, (_, index) => template.replaceAll('{i}', String(index + 1)));
}
