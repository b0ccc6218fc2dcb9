/** Stable codes for every error this library throws at a user. */
export type ReportErrorCode = 'REPORT_INVALID_JSON' | 'REPORT_SCHEMA_VERSION' | 'REPORT_SHAPE' | 'REPORT_NOT_FINITE';

export class ReportError extends Error {
  override name = 'ReportError';
  constructor(
    readonly code: ReportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ReportProblem {
  /** Where in the report, e.g. `variants[0].migrations[1].outcome`. */
  path: string;
  found: string;
  expected: string;
}

/**
 * A saved report that cannot be read: its message names the file, the field
 * and what was expected, one problem per line, e.g.
 * `out/report.json: variants[0].engine: found "local", expected one of in-process, services`.
 */
export class ReportParseError extends ReportError {
  override name = 'ReportParseError';
  constructor(
    code: ReportErrorCode,
    readonly fileName: string,
    readonly problems: readonly ReportProblem[],
  ) {
    super(code, problems.map((problem) => formatProblem(fileName, problem)).join('\n'));
  }
}

function formatProblem(fileName: string, problem: ReportProblem): string {
  const where = problem.path === '' ? fileName : `${fileName}: ${problem.path}`;
  return `${where}: found ${problem.found}, expected ${problem.expected}`;
}
