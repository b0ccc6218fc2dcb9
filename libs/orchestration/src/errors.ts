/** Stable codes for the errors orchestration raises where they reach users. */
export type OrchestrationErrorCode =
  | 'DRAIN_UNKNOWN_HOST'
  | 'DRAIN_NO_DESTINATION'
  | 'FAULT_UNKNOWN_KIND'
  | 'FAULT_INVALID'
  | 'ADMISSION_DUPLICATE'
  | 'ADMISSION_OVER_CAP';

export class OrchestrationError extends Error {
  constructor(
    readonly code: OrchestrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrchestrationError';
  }
}
