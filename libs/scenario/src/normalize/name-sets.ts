import { expandRange, parseNameSetItem } from '../generate/name-ranges';
import { didYouMean } from '../errors/did-you-mean';
import { describeFound, type Path } from '../schema/issues';
import { listNames, type NormalizeContext } from './normalize-context';

/**
 * A set of hosts or VMs as a scenario writes it — one name, a range
 * (`h-1..h-20`), `all`, a rack's name (its hosts, when `network.racks` names
 * racks), or a list of those — resolved to names in the order written
 * (ranges in numeric order), each once. Every unknown name is reported; the
 * result is undefined when any was.
 */
export function resolveNameSet(
  written: string | readonly string[],
  path: Path,
  known: ReadonlyMap<string, unknown>,
  what: 'host' | 'VM',
  context: NormalizeContext,
  groups: ReadonlyMap<string, readonly string[]> = new Map(),
): string[] | undefined {
  const items = typeof written === 'string' ? [written] : written;
  const names: string[] = [];
  const seen = new Set<string>();
  const push = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    names.push(name);
  };
  let valid = true;
  items.forEach((text, index) => {
    const at: Path = typeof written === 'string' ? path : [...path, index];
    if (text === 'all') {
      for (const name of known.keys()) push(name);
      return;
    }
    const group = groups.get(text);
    if (group !== undefined && !known.has(text)) {
      for (const name of group) push(name);
      return;
    }
    const item = parseNameSetItem(text);
    if (item.kind === 'error') {
      context.add(at, describeFound(text), item.expected);
      valid = false;
      return;
    }
    if (item.kind === 'name') {
      if (known.has(item.name)) push(item.name);
      else {
        const candidates = [...known.keys(), ...groups.keys()];
        const kinds = groups.size > 0 ? `a ${what} declared in ${what === 'host' ? 'hosts' : 'vms'}, a rack, a range such as h-1..h-20, or all` : `a ${what} declared in ${what === 'host' ? 'hosts' : 'vms'}, a range such as ${what === 'host' ? 'h-1..h-20' : 'vm-1..vm-20'}, or all`;
        context.add(at, describeFound(text), `${kinds} (${listNames([...known.keys()])})`, didYouMean(text, candidates));
        valid = false;
      }
      return;
    }
    const expanded = expandRange(item);
    const missing = expanded.filter((name) => !known.has(name));
    if (missing.length > 0) {
      context.add(at, describeFound(text), `a range of declared ${what === 'host' ? 'hosts' : 'VMs'} (${listNames(missing, 3)} ${missing.length === 1 ? 'is' : 'are'} not declared)`);
      valid = false;
      return;
    }
    for (const name of expanded) push(name);
  });
  return valid ? names : undefined;
}
