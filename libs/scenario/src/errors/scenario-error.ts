/** One problem of a scenario file, in the form "path: found X, expected Y". */
export interface Problem {
  /** Where in the document, e.g. `vms[0].memory`; empty for the document as a whole. */
  readonly path: string;
  /** What was there, as written (strings quoted), e.g. `"16 gigs"`. */
  readonly found: string;
  /** What would have been accepted, e.g. `a size such as 16GiB or 512MiB`. */
  readonly expected: string;
  /** The full sentence after the path: `found "16 gigs", expected a size such as 16GiB or 512MiB`. */
  readonly message: string;
  /** 1-based position in the YAML/JSON text, when the problem can be located in it. */
  readonly line?: number;
  readonly column?: number;
}

/** Stable codes: tools may branch on them; the messages may improve. */
export const ScenarioErrorCode = {
  /** The text is not valid YAML/JSON; problems carry line and column. */
  Syntax: 'SCENARIO_SYNTAX',
  /** The document is well-formed but breaks the scenario schema or its cross-references. */
  Invalid: 'SCENARIO_INVALID',
} as const;
export type ScenarioErrorCode = (typeof ScenarioErrorCode)[keyof typeof ScenarioErrorCode];

/**
 * The only error loading a scenario throws for bad input. It carries every
 * problem found in one pass, so a user fixes them all at once.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  constructor(
    readonly code: ScenarioErrorCode,
    readonly fileName: string,
    readonly problems: readonly Problem[],
  ) {
    super(formatProblems(fileName, problems));
  }

  /** One line per problem: `scenarios/x.yaml: vms[0].memory: found "16 gigs", expected a size such as 16GiB or 512MiB`. */
  format(): string {
    return formatProblems(this.fileName, this.problems);
  }
}

export function formatProblems(fileName: string, problems: readonly Problem[]): string {
  return problems.map((problem) => (problem.path === '' ? `${fileName}: ${problem.message}` : `${fileName}: ${problem.path}: ${problem.message}`)).join('\n');
}
