import { isTransportError } from '@migsim/transport';

/** For tests: the message of the `MESSAGE_MALFORMED` error `action` throws; throws itself on anything else, or when `action` returns. */
export function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isTransportError(error, 'MESSAGE_MALFORMED')) return error.message;
    throw error;
  }
  throw new Error('expected MESSAGE_MALFORMED, but it was taken');
}
