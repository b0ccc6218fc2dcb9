import { scenarioSchema } from './document/scenario-schema';
import { ArraySchema, RecordSchema } from './schema/collections';
import { describeField, ObjectSchema, type Field, type Fields } from './schema/object-schema';
import { BooleanSchema, EnumSchema, IntegerSchema, NameSchema, NumberSchema, TextSchema } from './schema/primitives';
import type { Schema } from './schema/schema';
import { PercentShareSchema } from './schema/share-schema';
import { EitherSchema, KeyedUnionSchema, TaggedUnionSchema } from './schema/unions';
import { DurationSchema, FractionSchema, PercentIntegerSchema, RateSchema, SizeSchema } from './schema/unit-schemas';

/**
 * The field reference of the scenario file as Markdown, generated from the
 * declaration the loader validates with: one table per mapping, every key
 * with its type, default and meaning. The README embeds it verbatim (a test
 * keeps them equal).
 */
export function scenarioReferenceMarkdown(): string {
  const sections: string[] = [];
  describeObject('(top level)', scenarioSchema, sections, new Map());
  return sections.join('\n');
}

/** Where each mapping was described first: later uses link to it instead of repeating it. */
type Described = Map<ObjectSchema<Fields>, string>;

function describeObject(title: string, schema: ObjectSchema<Fields>, sections: string[], described: Described): void {
  described.set(schema, title);
  const rows = Object.entries(schema.fields).map(([key, entry]) => row(key, entry, described));
  const intro = schema.options.description === undefined ? '' : `${schema.options.description}\n\n`;
  const oneOf = (schema.options.exactlyOneOf ?? []).map((group) => `Exactly one of ${group.map((key) => `\`${key}\``).join(' or ')} must be written.\n`);
  const values = Object.entries(schema.fields).flatMap(([key, entry]) => valueList(key, entry.schema));
  const notes = [...oneOf, ...values].join('\n');
  sections.push(`#### \`${title}\`\n\n${intro}| key | type | default | meaning |\n|---|---|---|---|\n${rows.join('\n')}\n${notes === '' ? '' : `\n${notes}`}`);
  for (const [key, entry] of Object.entries(schema.fields)) {
    const childTitle = title === '(top level)' ? key : `${title}.${key}`;
    describeNested(childTitle, entry.schema, sections, described);
  }
}

function describeNested(title: string, schema: Schema<unknown>, sections: string[], described: Described): void {
  if (schema instanceof ObjectSchema) {
    // Overrides take the keys of the entry they override, described there.
    if (!described.has(schema) && schema.options.overrideOf === undefined) describeObject(title, schema, sections, described);
  } else if (schema instanceof ArraySchema) describeNested(`${title}[]`, schema.items, sections, described);
  else if (schema instanceof EitherSchema) {
    describeNested(title, schema.first, sections, described);
    describeNested(title, schema.second, sections, described);
  } else if (schema instanceof TaggedUnionSchema || schema instanceof KeyedUnionSchema) {
    for (const [name, member] of Object.entries(schema.members as Record<string, ObjectSchema<Fields>>)) {
      const memberTitle = schema instanceof TaggedUnionSchema ? `${title} (${schema.tag}: ${name})` : `${title} (${name})`;
      describeNested(memberTitle, member, sections, described);
    }
  }
}

/** The meaning of each value of an enum, when the declaration gives them. */
function valueList(key: string, schema: Schema<unknown>): string[] {
  if (!(schema instanceof EnumSchema)) return [];
  const described = Object.entries(schema.valueDescriptions as Record<string, string | undefined>).filter(([, text]) => text !== undefined);
  if (described.length === 0) return [];
  return [`Values of \`${key}\`:\n\n${described.map(([value, text]) => `- \`${value}\`: ${text ?? ''}`).join('\n')}\n`];
}

function row(key: string, entry: Field<unknown>, described: Described): string {
  const fallback = entry.mode === 'required' ? 'required' : entry.mode === 'defaulted' ? `\`${JSON.stringify(entry.defaultInput)}\`` : (entry.defaultNote ?? '-');
  const meaning = describeField({ ...entry, mode: 'optional', defaultNote: undefined } as Field<unknown>);
  return `| \`${key}\` | ${escape(typeLabel(entry.schema, described))} | ${escape(fallback)} | ${escape(meaning)} |`;
}

function typeLabel(schema: Schema<unknown>, described: Described): string {
  const seeAlso = (target: ObjectSchema<Fields>): string => {
    const where = described.get(target);
    return where === undefined ? '' : ` (see \`${where}\`)`;
  };
  if (schema instanceof SizeSchema) return 'size';
  if (schema instanceof PercentShareSchema) return 'percent';
  if (schema instanceof RateSchema) return 'rate';
  if (schema instanceof DurationSchema) return 'duration';
  if (schema instanceof FractionSchema) return 'fraction or percent';
  if (schema instanceof PercentIntegerSchema) return 'whole percent';
  if (schema instanceof IntegerSchema) return withBounds('integer', schema.bounds);
  if (schema instanceof NumberSchema) return withBounds('number', schema.bounds);
  if (schema instanceof BooleanSchema) return 'boolean';
  if (schema instanceof NameSchema) return 'name';
  if (schema instanceof TextSchema) return 'text';
  if (schema instanceof EnumSchema) return (schema.values as readonly string[]).map((value) => `\`${value}\``).join(' | ');
  if (schema instanceof ArraySchema) {
    const atMost = schema.maxItems === undefined ? '' : ` (at most ${schema.maxItems.toLocaleString('en-US')})`;
    return `list of ${schema.noun}${atMost}${schema.items instanceof ObjectSchema ? seeAlso(schema.items) : ''}`;
  }
  if (schema instanceof RecordSchema) return `name -> ${typeLabel(schema.values, described)}`;
  if (schema instanceof EitherSchema) return `${typeLabel(schema.first, described)} or ${typeLabel(schema.second, described)}`;
  if (schema instanceof TaggedUnionSchema) return `${schema.noun} (by \`${schema.tag}\`)`;
  if (schema instanceof KeyedUnionSchema) return schema.noun;
  if (schema instanceof ObjectSchema) return `${schema.options.noun}${seeAlso(schema.options.overrideOf ?? schema)}`;
  return 'value';
}

function withBounds(kind: string, bounds: { min?: number; max?: number; above?: number }): string {
  const { min, max, above } = bounds;
  if (above !== undefined) return `${kind} > ${above}${max === undefined ? '' : `, <= ${max}`}`;
  if (min !== undefined && max !== undefined) return `${kind} ${min}..${max}`;
  if (min !== undefined) return `${kind} >= ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The README keeps the generated reference between these two lines. */
export const REFERENCE_START = '<!-- field reference: generated by update-readme-reference.ts -->';
export const REFERENCE_END = '<!-- end of field reference -->';
