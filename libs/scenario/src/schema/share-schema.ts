import { parseFraction } from '../units/fraction';
import { describeFound, type Issues, type Path } from './issues';
import { INVALID, Schema, type Invalid, type JsonSchema } from './schema';

/** A share of something else, written as a percent (`90%`); kept apart from sizes, which are numbers too. */
export interface Share {
  share: number;
}

const PERCENT = /^\d+(\.\d+)?\s?%$/;

/** A percent such as `90%`, parsed to `{ share: 0.9 }` (exactly, as `parseFraction` does). */
export class PercentShareSchema extends Schema<Share> {
  readonly expectation = 'a percent such as 90%';

  parse(input: unknown, path: Path, issues: Issues): Share | Invalid {
    if (typeof input === 'string' && PERCENT.test(input.trim())) {
      const result = parseFraction(input);
      if (result.ok && result.value > 0) return { share: result.value };
    }
    issues.add(path, describeFound(input), 'a percent above 0% and at most 100% such as 90%');
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    return { type: 'string', pattern: '^\\d+(\\.\\d+)?\\s?%$', examples: ['90%', '25%'] };
  }
}
