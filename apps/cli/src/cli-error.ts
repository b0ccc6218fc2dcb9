/** Exit codes of every migsim command. */
export const EXIT_OK = 0;
/** The run finished but at least one check failed. */
export const EXIT_CHECK_FAILED = 1;
/** Bad input: a usage mistake, a missing file, an invalid scenario or report. */
export const EXIT_BAD_INPUT = 2;
/** Something went wrong inside migsim itself. */
export const EXIT_INTERNAL = 3;

/** An error meant for the user: printed as is, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_BAD_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
