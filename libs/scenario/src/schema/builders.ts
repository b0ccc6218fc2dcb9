import { ArraySchema, RecordSchema } from './collections';
import { ObjectSchema, type Fields, type ObjectOptions } from './object-schema';
import { BooleanSchema, EnumSchema, IntegerSchema, NameSchema, NumberSchema, TextSchema, type NumberBounds } from './primitives';
import type { Schema } from './schema';
import { EitherSchema, KeyedUnionSchema, TaggedUnionSchema } from './unions';
import { DurationSchema, FractionSchema, PercentIntegerSchema, RateSchema, SizeSchema } from './unit-schemas';
import type { DurationOptions } from '../units/duration';
import type { RateOptions } from '../units/rate';

/** Short constructors so the scenario declaration reads like a table. */
export const s = {
  text: () => new TextSchema(),
  name: () => new NameSchema('name'),
  nameTemplate: () => new NameSchema('template'),
  migrationRef: () => new NameSchema('migration-ref'),
  enumOf: <V extends string>(values: readonly V[], descriptions: Partial<Record<V, string>> = {}) => new EnumSchema<V>(values, descriptions),
  literal: <V extends string>(value: V) => new EnumSchema<V>([value]),
  integer: (bounds: NumberBounds = {}) => new IntegerSchema(bounds),
  number: (bounds: NumberBounds = {}) => new NumberSchema(bounds),
  boolean: () => new BooleanSchema(),
  size: (options: { allowZero?: boolean } = {}) => new SizeSchema(options),
  rate: (options: RateOptions = {}) => new RateSchema(options),
  duration: (options: DurationOptions = {}) => new DurationSchema(options),
  fraction: () => new FractionSchema(),
  percentInteger: (min: number, max: number) => new PercentIntegerSchema(min, max),
  object: <F extends Fields>(fields: F, options: ObjectOptions) => new ObjectSchema(fields, options),
  array: <T>(items: Schema<T>, noun: string, minItems = 0, maxItems?: number) => new ArraySchema(items, noun, minItems, maxItems),
  record: <T>(values: Schema<T>, noun: string) => new RecordSchema(values, noun),
  tagged: <M extends Record<string, ObjectSchema<Fields>>>(tag: string, members: M, noun: string) => new TaggedUnionSchema(tag, members, noun),
  keyed: <M extends Record<string, ObjectSchema<Fields>>>(members: M, noun: string) => new KeyedUnionSchema(members, noun),
  either: <A extends Schema<unknown>, B extends Schema<unknown>>(first: A, second: B, isSecond?: (input: unknown) => boolean) =>
    new EitherSchema(first, second, isSecond),
};

export { field } from './object-schema';
