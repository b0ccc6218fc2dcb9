/** Stable codes of the errors this library throws at its callers. */
export type MigrationErrorCode =
  | 'MIGRATION_INVALID_PARAMETER'
  | 'MIGRATION_INVALID_EVENT'
  | 'MIGRATION_LAYOUT_MISMATCH'
  | 'MIGRATION_DRIVER_STALLED';

/** Every error of libs/migration; `code` is stable, the message names what was expected. */
export class MigrationError extends Error {
  readonly code: MigrationErrorCode;

  constructor(code: MigrationErrorCode, message: string) {
    super(message);
    this.name = 'MigrationError';
    this.code = code;
  }
}
