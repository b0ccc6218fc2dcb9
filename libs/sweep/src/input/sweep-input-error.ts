/**
 * A sweep's input is wrong: a seed range, a `--set` path or value, a variant
 * name. `option` names the command-line option (`--seeds`, `--set`,
 * `--variants`); the message names what was found and what was expected.
 */
export class SweepInputError extends Error {
  readonly code = 'SWEEP_INPUT';

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'SweepInputError';
  }
}
