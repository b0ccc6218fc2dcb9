/** Stable codes for every error the SimGrid peer throws at a user. */
export type SimgridPeerErrorCode =
  | 'SIMGRID_PACKAGE_MISSING'
  | 'SIMGRID_INVALID_STUDY'
  | 'SIMGRID_COMPILE_FAILED'
  | 'SIMGRID_RUN_FAILED'
  | 'SIMGRID_BAD_OUTPUT';

export class SimgridPeerError extends Error {
  override name = 'SimgridPeerError';
  constructor(
    readonly code: SimgridPeerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
