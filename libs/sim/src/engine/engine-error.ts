/** Stable codes for errors the engine raises at its caller. */
export type EngineErrorCode = 'ENGINE_INVALID_OPTION';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
