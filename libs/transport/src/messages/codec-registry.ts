import { transportError } from '../errors';
import type { Envelope } from './envelope';
import { checkFields, describeValue, formatIssues, isPlainObject, type FieldIssue, type FieldSpec } from './field-checks';

/**
 * One message type at one schema version: what the type is called, which
 * version it is, and a precise validator of its fields.
 */
export interface MessageCodec<M extends Envelope = Envelope> {
  readonly type: M['type'];
  readonly version: M['v'];
  /**
   * Every problem with `body` (empty when valid). `v` and `type` are checked
   * by the registry before this runs; fields the codec does not know are issues.
   */
  validate(body: Readonly<Record<string, unknown>>): readonly FieldIssue[];
}

/** Field specs for every field of M except `v` and `type`: the compiler makes sure none is forgotten. */
export type MessageFields<M extends Envelope> = { readonly [K in Exclude<keyof M, 'v' | 'type'>]-?: FieldSpec };

/**
 * Builds a codec from one field spec per field, plus optional checks that
 * span fields (e.g. a page count that must match the encoded ranges).
 */
export function defineCodec<M extends Envelope>(
  type: M['type'],
  version: M['v'],
  fields: MessageFields<M>,
  crossFieldCheck?: (body: M) => readonly FieldIssue[],
): MessageCodec<M> {
  const spec = fields as Readonly<Record<string, FieldSpec>>;
  return {
    type,
    version,
    validate(body) {
      const issues = checkFields(body, spec, { ignore: ['v', 'type'] });
      if (issues.length > 0 || crossFieldCheck === undefined) return issues;
      return crossFieldCheck(body as unknown as M);
    },
  };
}

/**
 * The set of message types (and versions) a process speaks. Immutable:
 * `register` returns a new registry whose type includes the new message, so
 * `decode` returns a union the handler can switch on (`type`, then `v`).
 */
export class CodecRegistry<M extends Envelope = never> {
  private constructor(private readonly codecs: ReadonlyMap<string, ReadonlyMap<number, MessageCodec>>) {}

  static empty(): CodecRegistry<never> {
    return new CodecRegistry(new Map());
  }

  register<N extends Envelope>(codec: MessageCodec<N>): CodecRegistry<M | N> {
    if (typeof codec.type !== 'string' || codec.type === '') throw new TypeError('a codec needs a non-empty type');
    if (!Number.isSafeInteger(codec.version) || codec.version < 1) {
      throw new TypeError(`codec ${codec.type}: version must be an integer >= 1, got ${String(codec.version)}`);
    }
    const versions = new Map(this.codecs.get(codec.type) ?? []);
    if (versions.has(codec.version)) throw new TypeError(`codec ${codec.type} v${codec.version} is registered twice`);
    versions.set(codec.version, codec as unknown as MessageCodec);
    const next = new Map(this.codecs);
    next.set(codec.type, versions);
    return new CodecRegistry<M | N>(next);
  }

  has(type: string, version: number): boolean {
    return this.codecs.get(type)?.has(version) ?? false;
  }

  types(): string[] {
    return [...this.codecs.keys()].sort();
  }

  versionsOf(type: string): number[] {
    return [...(this.codecs.get(type)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Decodes a body as it came off a queue: a parsed JSON value, or JSON text.
   * Throws TransportError MESSAGE_MALFORMED, MESSAGE_UNKNOWN_TYPE or
   * MESSAGE_UNKNOWN_VERSION; never returns a message its codec did not accept.
   */
  decode(body: unknown): M {
    let value = body;
    if (typeof body === 'string') {
      try {
        value = JSON.parse(body);
      } catch (error) {
        throw transportError('MESSAGE_MALFORMED', `$: expected JSON text, got ${describeValue(body)}`, error);
      }
    }
    if (!isPlainObject(value)) throw transportError('MESSAGE_MALFORMED', `$: expected an object {v, type, ...}, got ${describeValue(value)}`);
    const { type, v } = value;
    if (typeof type !== 'string' || type === '') {
      throw transportError('MESSAGE_MALFORMED', `$.type: expected a non-empty string, got ${describeValue(type)}`);
    }
    if (!Number.isSafeInteger(v) || (v as number) < 1) {
      throw transportError('MESSAGE_MALFORMED', `$.v: expected an integer >= 1, got ${describeValue(v)}`);
    }
    const versions = this.codecs.get(type);
    if (versions === undefined) {
      throw transportError('MESSAGE_UNKNOWN_TYPE', `$.type: ${JSON.stringify(type)} is not a known message type (known: ${this.types().join(', ') || 'none'})`);
    }
    const codec = versions.get(v as number);
    if (codec === undefined) {
      throw transportError(
        'MESSAGE_UNKNOWN_VERSION',
        `$.v: ${type} v${String(v)} is not a known version (known: ${this.versionsOf(type).map((n) => `v${n}`).join(', ')})`,
      );
    }
    const issues = codec.validate(value);
    if (issues.length > 0) throw transportError('MESSAGE_MALFORMED', `${type} v${String(v)}: ${formatIssues(issues)}`);
    return value as unknown as M;
  }

  /**
   * Checks a message before it is sent, with the same rules as `decode`, so a
   * producer bug fails at the producer (MESSAGE_* codes) instead of becoming a
   * dead letter downstream. Returns the message unchanged.
   */
  encode(message: M): M {
    this.decode(message);
    return message;
  }
}
