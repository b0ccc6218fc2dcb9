import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { parseJsonText } from './document/json-text';
import { scenarioSchema, type ScenarioDocument } from './document/scenario-schema';
import { ScenarioError, ScenarioErrorCode, type Problem } from './errors/scenario-error';
import type { Scenario, ScenarioVariant } from './model/scenario';
import { normalizeSetup } from './normalize/normalize-setup';
import { applyVariant } from './normalize/variants';
import { normalizeVmSampling } from './normalize/vm-sampling';
import { checkReportSize, checkVariantSetups } from './normalize/run-size';
import { SCENARIO_LIMITS } from './limits/scenario-limits';
import { formatPath, isMapping, Issues, type Issue, type Path } from './schema/issues';
import { INVALID } from './schema/schema';

/** Finds the line and column of a path in the source text, when there is one. */
type Locate = (path: Path) => { line: number; column: number } | undefined;

/** Aliases may not expand a small file into a huge document. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Loads a scenario from the text of a YAML (or JSON) file. `fileName` is only
 * used in messages. A valid JSON text takes `JSON.parse` (document/json-text.ts),
 * with the same result. Throws a ScenarioError listing every problem at once, and
 * nothing else, whatever the text.
 */
export function loadScenario(text: string, fileName: string): Scenario {
  if (typeof text !== 'string') throw invalid(fileName, [problemOf({ path: [], found: 'no text', expected: 'the text of a YAML or JSON file' })]);
  if (text.length > SCENARIO_LIMITS.textChars) {
    const found = `a text of ${text.length.toLocaleString('en-US')} characters`;
    const expected = `at most ${SCENARIO_LIMITS.textChars.toLocaleString('en-US')} characters (4 MiB); declare repeated hosts and VMs with count`;
    throw invalid(fileName, [problemOf({ path: [], found, expected })]);
  }
  if (text.trim() === '') throw invalid(fileName, [problemOf({ path: [], found: 'an empty file', expected: 'a scenario (a mapping)' })]);
  const json = parseJsonText(text);
  if (json !== undefined) {
    try {
      return parseScenarioObject(json.value, fileName);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      // Told again below by the YAML parser, which knows where each problem is.
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    // Only the first: after a syntax error the parser's later complaints are mostly echoes of it.
    const position = lineCounter.linePos(firstError.pos[0]);
    throw new ScenarioError(ScenarioErrorCode.Syntax, fileName, [syntaxProblem(firstError.message, firstError.code, position.line, position.col)]);
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(ScenarioErrorCode.Syntax, fileName, [syntaxProblem(reason, 'ALIAS', undefined, undefined)]);
  }
  return parseScenario(raw, fileName, locator(document, lineCounter));
}

/**
 * Validates and normalises a scenario already parsed into plain data (from
 * JSON, or built by a program). Same errors as `loadScenario`, without line
 * numbers.
 */
export function parseScenarioObject(object: unknown, fileName: string): Scenario {
  return parseScenario(object, fileName, () => undefined);
}

function parseScenario(raw: unknown, fileName: string, locate: Locate): Scenario {
  try {
    return parseScenarioUnsafe(raw, fileName, locate);
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    // A bug in the loader must not surface as a TypeError a CLI cannot explain.
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(fileName, [problemOf({ path: [], found: `a document the loader could not process (${reason})`, expected: 'a valid scenario' })]);
  }
}

function parseScenarioUnsafe(raw: unknown, fileName: string, locate: Locate): Scenario {
  const structural = new Issues();
  const parsed = scenarioSchema.parse(raw, [], structural);
  if (parsed === INVALID || structural.count > 0 || !isMapping(raw)) {
    throw invalid(fileName, structural.list.map((issue) => problemOf(issue, locate)));
  }
  const variantNames = parsed.variants.map((variant) => variant.name);
  const baseIssues = new Issues();
  checkVariantNames(parsed, baseIssues);
  const base = normalizeSetup(parsed, raw, variantNames, baseIssues);
  if (!checkVariantSetups(parsed, baseIssues)) throw invalid(fileName, baseIssues.list.map((issue) => problemOf(issue, locate)));
  const sampledVms = normalizeVmSampling(parsed, raw, base, baseIssues);
  const problems = baseIssues.list.map((issue) => problemOf(issue, locate));
  const seen = new Set(problems.map(problemKey));
  const variants: ScenarioVariant[] = [];
  const rawVariants = Array.isArray(raw['variants']) ? raw['variants'] : [];
  parsed.variants.forEach((variant, index) => {
    const overrideIssues: Issue[] = [];
    const applied = applyVariant(raw, (rawVariants[index] ?? {}) as Record<string, unknown>, ['variants', index], overrideIssues);
    const variantIssues = new Issues();
    const variantDocument = scenarioSchema.parse(applied.document, [], variantIssues);
    let setup = base;
    if (variantDocument !== INVALID) setup = normalizeSetup(variantDocument, applied.document, variantNames, variantIssues);
    for (const issue of overrideIssues) problems.push(problemOf(issue, locate));
    for (const issue of variantIssues.list) {
      const overridePath = applied.overridePathOf(issue.path);
      const scoped = overridePath === undefined ? { ...issue, hint: joinHints(issue.hint, `in variant "${variant.name}"`) } : { ...issue, path: overridePath };
      const problem = problemOf(scoped, overridePath === undefined ? () => undefined : locate);
      if (seen.has(problemKey(problemOf(issue)))) continue; // the base already reports it
      if (!seen.has(problemKey(problem))) problems.push(problem);
      seen.add(problemKey(problem));
    }
    variants.push({ name: variant.name, description: variant.description ?? '', ...setup });
  });
  if (problems.length === 0) {
    const sizeIssues = new Issues();
    checkReportSize(parsed, sampledVms, variants.length > 0 ? variants : [base], sizeIssues);
    for (const issue of sizeIssues.list) problems.push(problemOf(issue, locate));
  }
  if (problems.length > 0) throw invalid(fileName, dedupe(problems));
  return {
    name: parsed.name,
    description: parsed.description ?? '',
    fileName,
    seed: parsed.seed,
    horizonNs: parsed.horizon,
    sampling: { intervalNs: parsed.sampling.interval, maxTimelinePoints: parsed.sampling.maxPoints, vms: sampledVms },
    ...base,
    variants: variants.length > 0 ? variants : [{ name: 'default', description: '', ...cloneSetup(base) }],
  };
}

function checkVariantNames(document: ScenarioDocument, issues: Issues): void {
  const owners = new Map<string, number>();
  document.variants.forEach((variant, index) => {
    const owner = owners.get(variant.name);
    if (owner === undefined) owners.set(variant.name, index);
    else issues.add(['variants', index, 'name'], JSON.stringify(variant.name), `a name no other variant uses (variants[${owner}] has it)`);
  });
}

function cloneSetup<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function joinHints(first: string | undefined, second: string): string {
  return first === undefined ? second : `${first}; ${second}`;
}

function problemKey(problem: Problem): string {
  return `${problem.path}\u0000${problem.message}`;
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = problemKey(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function problemOf(issue: Issue, locate: Locate = () => undefined): Problem {
  const message = `found ${issue.found}, expected ${issue.expected}${issue.hint === undefined ? '' : ` (${issue.hint})`}`;
  const position = locate(issue.path);
  const problem: Problem = { path: formatPath(issue.path), found: issue.found, expected: issue.expected, message };
  return position === undefined ? problem : { ...problem, line: position.line, column: position.column };
}

function invalid(fileName: string, problems: readonly Problem[]): ScenarioError {
  return new ScenarioError(ScenarioErrorCode.Invalid, fileName, problems);
}

function syntaxProblem(reason: string, code: string, line: number | undefined, column: number | undefined): Problem {
  const where = line === undefined ? '' : ` at line ${line}, column ${column ?? 1}`;
  const found = `invalid YAML${where} (${reason.replace(/\s+/g, ' ').trim()}, ${code})`;
  const problem: Problem = { path: '', found, expected: 'valid YAML or JSON', message: `found ${found}, expected valid YAML or JSON` };
  return line === undefined ? problem : { ...problem, line, column: column ?? 1 };
}

/** The deepest node of the path that exists: a missing key points at its parent mapping. */
function locator(document: Document, lineCounter: LineCounter): Locate {
  return (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node: unknown = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const position = lineCounter.linePos(node.range[0]);
        return { line: position.line, column: position.col };
      }
    }
    return undefined;
  };
}
