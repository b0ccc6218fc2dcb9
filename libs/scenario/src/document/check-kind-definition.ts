import type { CheckSpec } from '../model/scenario';
import type { References } from '../normalize/references';
import type { Path } from '../schema/issues';
import type { Fields, ObjectValue } from '../schema/object-schema';

/** What a check kind's `normalize` gets. */
export interface CheckContext {
  readonly path: Path;
  readonly refs: References;
  /** `name` as written, or undefined to use the kind's generated one. */
  readonly name: string | undefined;
  readonly variants: string[] | null;
}

/**
 * Every check kind in one table, like FAULT_KINDS: adding a kind = one entry
 * here + its interface in model/scenario.ts (+ its evaluation in the engine).
 */
export interface CheckKindDefinition<F extends Fields = Fields> {
  readonly description: string;
  readonly fields: F;
  readonly normalize: (check: ObjectValue<F>, context: CheckContext) => CheckSpec | undefined;
}
