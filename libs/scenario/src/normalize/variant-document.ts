import { isMapping, type Issue } from '../schema/issues';
import { applyVariant } from './variants';

/**
 * The document of one variant as a file of its own: the base with the
 * variant's overrides merged in, no `variants` list, and the checks meant
 * for this variant kept without their `variants` filter (the others
 * dropped). Loading it runs what the variant runs, under the name
 * `default`. Used to write a failing run of a sweep as a plain scenario.
 *
 * @throws Error when the document has no variant of that name.
 */
export function variantDocument(document: Record<string, unknown>, variantName: string): Record<string, unknown> {
  const variants = Array.isArray(document['variants']) ? (document['variants'] as unknown[]) : [];
  const index = variants.findIndex((variant) => isMapping(variant) && variant['name'] === variantName);
  if (index < 0 && !(variants.length === 0 && variantName === 'default')) throw new Error(`the document has no variant named ${variantName}`);
  const issues: Issue[] = [];
  const applied = index < 0 ? { document: structuredCopy(document) } : applyVariant(document, variants[index] as Record<string, unknown>, ['variants', index], issues);
  const flat = applied.document;
  delete flat['variants'];
  if (Array.isArray(flat['checks'])) {
    flat['checks'] = (flat['checks'] as unknown[]).flatMap((check) => {
      if (!isMapping(check) || !Array.isArray(check['variants'])) return [check];
      if (!(check['variants'] as unknown[]).includes(variantName)) return [];
      const { variants: _variants, ...rest } = check;
      return [rest];
    });
  }
  return flat;
}

function structuredCopy(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
