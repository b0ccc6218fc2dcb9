/**
 * A scenario written as JSON (a generated study, a submitted run) parsed
 * with `JSON.parse`: `loadScenario` of the 2,000-VM drain study (590 KB of
 * JSON) took 1.1-1.8 s through the YAML parser and 58-227 ms this way,
 * `JSON.parse` itself 2 ms (this 2-core machine). YAML 1.2 reads
 * JSON as JSON does, but for one rule: a mapping may not repeat a key
 * (`uniqueKeys`), where `JSON.parse` keeps the last. So a text is taken
 * this way only when it parses and repeats no key; otherwise (and to report
 * any problem, with its line and column) it goes through the YAML parser.
 */
export function parseJsonText(text: string): { value: unknown } | undefined {
  const start = firstNonSpace(text);
  if (text[start] !== '{') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return repeatsAKey(text, start) ? undefined : { value };
}

function firstNonSpace(text: string): number {
  let at = 0;
  while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  return at;
}

/**
 * Whether an object of `text` (already known to be valid JSON) repeats a
 * key. One pass: a stack of the keys seen by each open object (null for an
 * array); a string right after `{` or after a `,` inside an object is a key.
 */
function repeatsAKey(text: string, from: number): boolean {
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let at = from; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, at);
      if (expectKey) {
        const raw = text.slice(at + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      at = end;
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] instanceof Set;
    }
  }
  return false;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === 0x5c /* \ */) at++;
    else if (c === 0x22) return at;
  }
  return text.length;
}
