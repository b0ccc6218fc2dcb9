import { scenarioSchema } from './document/scenario-schema';

/**
 * The JSON Schema (draft 2020-12) of the scenario file, for editors: YAML
 * language servers complete keys and enum values and show each description.
 * Derived from the same declaration the loader validates with. It checks the
 * shape; cross-references (unknown host, VM larger than its host, ...) are
 * only checked by the loader.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'migsim scenario',
    ...scenarioSchema.jsonSchema(),
  };
}
