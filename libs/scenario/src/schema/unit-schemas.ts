import { describeFound, type Issues, type Path } from './issues';
import { INVALID, Schema, type Invalid, type JsonSchema } from './schema';
import { DURATION_PATTERN, durationExpectation, parseDuration, type DurationOptions } from '../units/duration';
import { FRACTION_PATTERN, FRACTION_EXPECTATION, parseFraction, parsePercentInteger } from '../units/fraction';
import { parseRate, RATE_EXPECTATION, RATE_PATTERN, type RateOptions } from '../units/rate';
import { parseSize, SIZE_EXPECTATION, SIZE_PATTERN, type SizeOptions } from '../units/size';
import type { UnitResult } from '../units/unit-result';

/** A value written with a unit, parsed to base units by a units/ function. */
abstract class UnitSchema extends Schema<number> {
  protected abstract read(input: unknown): UnitResult<number>;

  parse(input: unknown, path: Path, issues: Issues): number | Invalid {
    const result = this.read(input);
    if (result.ok) return result.value;
    issues.add(path, describeFound(input), result.expected);
    return INVALID;
  }
}

/** Bytes (integer). */
export class SizeSchema extends UnitSchema {
  readonly expectation = SIZE_EXPECTATION;

  constructor(private readonly options: SizeOptions = {}) {
    super();
  }

  protected read(input: unknown): UnitResult<number> {
    return parseSize(input, this.options);
  }

  jsonSchema(): JsonSchema {
    return {
      type: ['integer', 'string'],
      minimum: this.options.allowZero ? 0 : 1,
      pattern: SIZE_PATTERN,
      examples: ['16GiB', '512MiB', '1GB', 4096],
    };
  }
}

/** Bytes per second. */
export class RateSchema extends UnitSchema {
  readonly expectation = RATE_EXPECTATION;

  constructor(private readonly options: RateOptions = {}) {
    super();
  }

  protected read(input: unknown): UnitResult<number> {
    return parseRate(input, this.options);
  }

  jsonSchema(): JsonSchema {
    return {
      type: ['number', 'string'],
      minimum: 0,
      pattern: RATE_PATTERN,
      examples: ['125MB/s', '1Gbps', '10Gbit/s', '100MiB/s'],
    };
  }
}

/** Nanoseconds (integer). */
export class DurationSchema extends UnitSchema {
  readonly expectation: string;

  constructor(private readonly options: DurationOptions = {}) {
    super();
    this.expectation = durationExpectation(options);
  }

  protected read(input: unknown): UnitResult<number> {
    return parseDuration(input, this.options);
  }

  jsonSchema(): JsonSchema {
    const bare = this.options.bareNumberUnit !== undefined;
    return {
      type: bare || this.options.allowZero ? ['number', 'string'] : 'string',
      ...(bare || this.options.allowZero ? { minimum: 0 } : {}),
      ...(!bare && this.options.allowZero ? { maximum: 0 } : {}),
      pattern: DURATION_PATTERN,
      examples: ['300ms', '10s', '2m', '1h', '500us'],
    };
  }
}

/** A fraction in [0, 1]. */
export class FractionSchema extends UnitSchema {
  readonly expectation = FRACTION_EXPECTATION;

  protected read(input: unknown): UnitResult<number> {
    return parseFraction(input);
  }

  jsonSchema(): JsonSchema {
    return { type: ['number', 'string'], minimum: 0, maximum: 1, pattern: FRACTION_PATTERN, examples: ['95%', 0.95] };
  }
}

/** A whole percent, as QEMU's throttle parameters are written. */
export class PercentIntegerSchema extends UnitSchema {
  readonly expectation: string;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    super();
    this.expectation = `a whole percent from ${min} to ${max}`;
  }

  protected read(input: unknown): UnitResult<number> {
    return parsePercentInteger(input, this.min, this.max);
  }

  jsonSchema(): JsonSchema {
    return { type: ['integer', 'string'], minimum: this.min, maximum: this.max, pattern: '^\\d+\\s?%$' };
  }
}
