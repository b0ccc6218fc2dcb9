import { field, s } from '../schema/builders';
import { isMapping, type Issues, type Path } from '../schema/issues';
import type { Infer, Invalid, Schema } from '../schema/schema';
import { PercentShareSchema } from '../schema/share-schema';
import { EitherSchema } from '../schema/unions';

/**
 * Values a VM entry may draw per VM from the scenario's seed: a fixed value
 * as before, `{ min, max }` (uniform; sizes in whole `step`s), or
 * `{ choices: [...] }` (each equally likely). The draws are made when the
 * file is loaded (`normalize/vm-population.ts`).
 */
const isPercentString = (input: unknown): boolean => typeof input === 'string' && input.trim().endsWith('%');

function distribution<T>(value: () => Schema<T>, noun: string, stepNote: string | undefined) {
  return s.object(
    {
      min: field.optional(value(), 'Smallest value (uniform between min and max).'),
      max: field.optional(value(), 'Largest value (required with min).'),
      ...(stepNote === undefined ? {} : { step: field.optional(value(), 'Draws are min + k x step, k a whole number.', stepNote) }),
      choices: field.optional(s.array(value(), 'values', 1), 'Values drawn with equal probability.'),
    },
    { noun, exactlyOneOf: [['min', 'choices']] },
  );
}

export const SIZE_STEP_NOTE = 'the largest of 1GiB, 1MiB and 4KiB that divides min and max';

export const sizeDistributionSchema = distribution(() => s.size(), 'a size distribution such as { min: 2GiB, max: 16GiB }', SIZE_STEP_NOTE);
export const rateDistributionSchema = distribution(() => s.rate({ allowZero: true }), 'a rate distribution such as { min: 1MB/s, max: 20MB/s }', undefined);
export const vcpuDistributionSchema = distribution(() => s.integer({ min: 1, max: 4096 }), 'a vCPU distribution such as { min: 1, max: 4 }', undefined);

/** A size, or a percent of what the key is a share of (the VM's memory, the working set). */
export const sizeOrShareSchema = () => s.either(s.size(), new PercentShareSchema(), isPercentString);

export const shareDistributionSchema = distribution(sizeOrShareSchema, 'a distribution of sizes or of percents such as { min: 25%, max: 90% }', `${SIZE_STEP_NOTE} (sizes)`);

/**
 * A fixed value or, written as a mapping, a distribution. Unlike a plain
 * `either`, a fixed value keeps its own precise messages ("a size greater
 * than zero ...") and its expectation, so files without distributions read
 * the errors they always did.
 */
export class DrawnValueSchema<A extends Schema<unknown>, B extends Schema<unknown>> extends EitherSchema<A, B> {
  override readonly expectation: string;

  constructor(fixed: A, drawn: B) {
    super(fixed, drawn, isMapping);
    this.expectation = fixed.expectation;
  }

  override parse(input: unknown, path: Path, issues: Issues): Infer<A> | Infer<B> | Invalid {
    return (isMapping(input) ? this.second.parse(input, path, issues) : this.first.parse(input, path, issues)) as Infer<A> | Infer<B> | Invalid;
  }
}

/** Memory: a size or a size distribution. */
export const sizeValueSchema = () => new DrawnValueSchema(s.size(), sizeDistributionSchema);
/** A page-write rate or a rate distribution. */
export const rateValueSchema = () => new DrawnValueSchema(s.rate({ allowZero: true }), rateDistributionSchema);
/** vCPUs: an integer or a distribution of integers. */
export const vcpuValueSchema = () => new DrawnValueSchema(s.integer({ min: 1, max: 4096 }), vcpuDistributionSchema);
/** A working set: a size, a percent, or a distribution of either. */
export const shareValueSchema = () => new DrawnValueSchema(sizeOrShareSchema(), shareDistributionSchema);

/**
 * A set of names: one name, a range (`h-1..h-20`, both ends included, in
 * numeric order), `all`, a rack's name (its hosts), or a list of those.
 */
export const nameSetSchema = () => s.either(s.name(), s.array(s.name(), 'names or ranges', 1), Array.isArray);
