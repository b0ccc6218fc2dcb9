import { didYouMean } from '../errors/did-you-mean';
import { describeFound, isMapping, Issues, type Path } from './issues';
import type { Fields, ObjectSchema, ObjectValue } from './object-schema';
import { INVALID, Schema, type Infer, type Invalid, type JsonSchema } from './schema';

type MemberValue<M> = M extends ObjectSchema<infer F> ? ObjectValue<F> : never;

/**
 * Mappings told apart by a tag key, e.g. faults by `kind`. Each member is an
 * object schema that declares the tag itself (as a one-value enum), so its
 * unknown-key messages list the tag too.
 */
export class TaggedUnionSchema<M extends Record<string, ObjectSchema<Fields>>> extends Schema<MemberValue<M[keyof M]>> {
  readonly expectation: string;

  constructor(
    readonly tag: string,
    readonly members: M,
    readonly noun: string,
  ) {
    super();
    this.expectation = `${noun} with ${tag} one of ${Object.keys(members).join(', ')}`;
  }

  parse(input: unknown, path: Path, issues: Issues): MemberValue<M[keyof M]> | Invalid {
    if (!isMapping(input)) {
      issues.add(path, describeFound(input), `${this.noun} (a mapping with a ${this.tag})`);
      return INVALID;
    }
    const tagValue = input[this.tag];
    const names = Object.keys(this.members);
    const member = typeof tagValue === 'string' && Object.hasOwn(this.members, tagValue) ? this.members[tagValue] : undefined;
    if (member === undefined) {
      const hint = typeof tagValue === 'string' ? didYouMean(tagValue, names) : undefined;
      const expected = `one of ${names.join(', ')}${tagValue === undefined ? ' (the key is required)' : ''}`;
      issues.add([...path, this.tag], describeFound(tagValue), expected, hint);
      return INVALID;
    }
    return member.parse(input, path, issues) as MemberValue<M[keyof M]> | Invalid;
  }

  jsonSchema(): JsonSchema {
    return {
      type: 'object',
      required: [this.tag],
      properties: { [this.tag]: { enum: Object.keys(this.members), description: `Which ${this.noun.replace(/^an? /, '')} this is.` } },
      oneOf: Object.values(this.members).map((member) => member.jsonSchema()),
    };
  }
}

/**
 * Mappings told apart by which key they hold, e.g. plans: `{ drain: host }`
 * or `{ balance: [...] }`.
 */
export class KeyedUnionSchema<M extends Record<string, ObjectSchema<Fields>>> extends Schema<MemberValue<M[keyof M]>> {
  readonly expectation: string;

  constructor(
    readonly members: M,
    readonly noun: string,
  ) {
    super();
    this.expectation = `${noun}: a mapping with one of the keys ${Object.keys(members).join(', ')}`;
  }

  parse(input: unknown, path: Path, issues: Issues): MemberValue<M[keyof M]> | Invalid {
    if (!isMapping(input)) {
      issues.add(path, describeFound(input), this.expectation);
      return INVALID;
    }
    const present = Object.keys(this.members).filter((key) => Object.hasOwn(input, key));
    const only = present.length === 1 ? present[0] : undefined;
    const member = only === undefined ? undefined : this.members[only];
    if (member === undefined) {
      const found = present.length === 0 ? 'a mapping without any of them' : `a mapping with ${present.join(' and ')}`;
      const hint = present.length === 0 ? firstHint(Object.keys(input), Object.keys(this.members)) : undefined;
      issues.add(path, found, this.expectation, hint);
      return INVALID;
    }
    return member.parse(input, path, issues) as MemberValue<M[keyof M]> | Invalid;
  }

  jsonSchema(): JsonSchema {
    return { type: 'object', oneOf: Object.values(this.members).map((member) => member.jsonSchema()) };
  }
}

function firstHint(keys: readonly string[], candidates: readonly string[]): string | undefined {
  for (const key of keys) {
    const hint = didYouMean(key, candidates);
    if (hint !== undefined) return hint;
  }
  return undefined;
}

/**
 * One of two shapes chosen by the input's type, e.g. `postcopy-after: 30s` or
 * `postcopy-after: { round: 3 }`: inputs for which `isSecond` holds (mappings
 * by default) go to `second`, anything else to `first`, so nested errors speak
 * of the shape the user meant; a value of neither shape gets one message
 * naming both.
 */
export class EitherSchema<A extends Schema<unknown>, B extends Schema<unknown>> extends Schema<Infer<A> | Infer<B>> {
  readonly expectation: string;

  constructor(
    readonly first: A,
    readonly second: B,
    private readonly isSecond: (input: unknown) => boolean = isMapping,
  ) {
    super();
    this.expectation = `${first.expectation}, or ${second.expectation}`;
  }

  parse(input: unknown, path: Path, issues: Issues): Infer<A> | Infer<B> | Invalid {
    const chosen = this.isSecond(input) ? this.second : this.first;
    const scratch = new Issues();
    const value = chosen.parse(input, path, scratch);
    if (value !== INVALID) return value as Infer<A> | Infer<B>;
    const onlyAtTop = scratch.list.length === 1 && scratch.list[0]?.path.length === path.length;
    if (onlyAtTop && chosen === this.first) {
      issues.add(path, describeFound(input), this.expectation);
    } else {
      for (const issue of scratch.list) issues.add(issue.path, issue.found, issue.expected, issue.hint);
    }
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    return { anyOf: [this.first.jsonSchema(), this.second.jsonSchema()] };
  }
}
