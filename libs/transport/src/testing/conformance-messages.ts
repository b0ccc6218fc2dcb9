import { CodecRegistry, defineCodec } from '../messages/codec-registry';
import { deadLetterCodecV1, type DeadLetterMessageV1 } from '../messages/dead-letter-message';
import type { Envelope } from '../messages/envelope';
import { checks } from '../messages/field-checks';

/** The message type the conformance suite and the fault tests send. */
export interface NoteV1 extends Envelope<'conformance.note', 1> {
  readonly text: string;
  readonly n: number;
}

export const noteCodecV1 = defineCodec<NoteV1>('conformance.note', 1, { text: checks.string, n: checks.integer(0) });

export function conformanceCodecs() {
  return CodecRegistry.empty().register(noteCodecV1).register(deadLetterCodecV1);
}

export type ConformanceMessage = NoteV1 | DeadLetterMessageV1;

export const note = (n: number, text = `note ${n}`): NoteV1 => ({ v: 1, type: 'conformance.note', text, n });
