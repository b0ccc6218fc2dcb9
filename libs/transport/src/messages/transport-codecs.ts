import { CodecRegistry } from './codec-registry';
import { deadLetterCodecV1 } from './dead-letter-message';

/** The message types libs/transport defines itself; services register theirs on top. */
export function transportCodecs() {
  return CodecRegistry.empty().register(deadLetterCodecV1);
}
