/** Stable codes for the errors the guest model raises where they reach users. */
export type GuestErrorCode =
  | 'INVALID_WORKLOAD'
  | 'UNKNOWN_TLB_PROFILE'
  | 'INVALID_TLB_PROFILE'
  | 'GUEST_MEMORY_NOT_IN_MEMSLOTS'
  | 'INVALID_STEP'
  | 'INVALID_RECOVERY_SAMPLE';

export class GuestError extends Error {
  constructor(
    readonly code: GuestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GuestError';
  }
}
