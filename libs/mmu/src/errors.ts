/** Stable codes of every error libs/mmu throws at its callers. */
export type MmuErrorCode =
  | 'INVALID_PROFILE'
  | 'INVALID_COSTS'
  | 'INVALID_VCPU'
  | 'INVALID_MEMSLOT'
  | 'DUPLICATE_MEMSLOT'
  | 'MEMSLOT_OVERLAP'
  | 'UNKNOWN_MEMSLOT'
  | 'GFN_NOT_IN_MEMSLOT'
  | 'INVALID_BACKING'
  | 'NOT_DIRTY_LOGGING'
  | 'INVALID_CLEAR_RANGE'
  | 'INVALID_RANGE';

/** The one error class of libs/mmu: `code` is stable, `message` names what was expected. */
export class MmuError extends Error {
  override readonly name = 'MmuError';
  constructor(
    readonly code: MmuErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
