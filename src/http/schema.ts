// Request and response schemas on valibot: one definition validates a body and becomes its JSON Schema in /openapi.json.

import { toJsonSchema as valibotToJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { AuthError } from '../core/errors';

// A JSON "\uD800" escape parses to half a character: UTF-8 cannot encode it, so two different
// such strings would store and hash alike (both become U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Any valibot schema (requests, responses, their parts). */
export type AnySchema = v.GenericSchema;

/** A schema with the name it has under `components.schemas` in /openapi.json. */
export interface NamedSchema<Schema extends AnySchema = AnySchema> {
  name: string;
  schema: Schema;
}

/** One string field of a request body, declared the short way. */
export interface StringField {
  type: 'string';
  description: string;
  minLength?: number;
  maxLength?: number;
  enum?: readonly string[];
  /** A JSON Schema `format` for the document (validation stays with the flows, e.g. email rules). */
  format?: 'email' | 'password';
  optional?: boolean;
}

/** A request body: a JSON object with string fields; unknown fields are refused. */
export interface ObjectSchema<Fields extends Record<string, StringField> = Record<string, StringField>> extends NamedSchema {
  fields: Fields;
}

type FieldValue<Field extends StringField> = Field['enum'] extends readonly (infer Choice)[] ? Choice : string;

/** The typed value a request schema produces. */
export type Infer<Schema extends ObjectSchema> = {
  [Key in keyof Schema['fields'] as Schema['fields'][Key]['optional'] extends true ? never : Key]: FieldValue<Schema['fields'][Key]>;
} & {
  [Key in keyof Schema['fields'] as Schema['fields'][Key]['optional'] extends true ? Key : never]?: FieldValue<Schema['fields'][Key]>;
};

/** Names a response (or any other) schema for the OpenAPI document. */
export function namedSchema<Schema extends AnySchema>(name: string, schema: Schema): NamedSchema<Schema> {
  return { name, schema };
}

/** A response field: an ISO 8601 timestamp, described for the document. */
export function isoTime(description: string) {
  return v.pipe(v.string(), v.isoTimestamp(), v.description(description));
}

/** A response field: a string or `null`, described for the document. */
export function nullableText(description: string) {
  return v.pipe(v.nullable(v.string()), v.description(description));
}

/** A string that is valid Unicode text (no lone surrogate), described for the document. */
export function text(description: string, limits: Pick<StringField, 'minLength' | 'maxLength' | 'format'> = {}): AnySchema {
  const actions: v.PipeItem<string, string, v.BaseIssue<unknown>>[] = [v.check<string>((value) => !LONE_SURROGATE.test(value))];
  if (limits.minLength !== undefined) actions.push(v.minLength(limits.minLength));
  if (limits.maxLength !== undefined) actions.push(v.maxLength(limits.maxLength));
  actions.push(v.metadata(limits.format ? { description, format: limits.format } : { description }));
  // pipe's overloads are fixed-arity; the actions vary with the limits, so they are spread.
  return (v.pipe as unknown as (...items: unknown[]) => AnySchema)(v.string(), ...actions);
}

/**
 * Declares a request body schema from string fields; `const` keeps enum
 * literals in the inferred type. It becomes a valibot strict object.
 */
export function objectSchema<const Fields extends Record<string, StringField>>(name: string, fields: Fields): ObjectSchema<Fields> {
  const entries: Record<string, AnySchema> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = field.enum
      ? (v.pipe(v.picklist(field.enum), v.description(field.description)) as AnySchema)
      : text(field.description, field);
    // A JSON null counts as "not sent" for optional fields.
    entries[key] = field.optional ? (v.nullish(value) as AnySchema) : value;
  }
  return { name, fields, schema: v.strictObject(entries) as AnySchema };
}

/**
 * Checks a parsed JSON value against a request schema. Throws a 400
 * `invalid_request` that names the first offending field, and never echoes
 * its value.
 */
export function parseWithSchema<Schema extends ObjectSchema>(schema: Schema, value: unknown): Infer<Schema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = v.safeParse(schema.schema, value, { abortEarly: false });
  if (!result.success) throw new AuthError('invalid_request', describeIssue(schema, result.issues));
  const output: Record<string, unknown> = {};
  for (const [key, fieldValue] of Object.entries(result.output as Record<string, unknown>)) {
    if (fieldValue !== null && fieldValue !== undefined) output[key] = fieldValue;
  }
  return output as Infer<Schema>;
}

/** One sentence for the first problem: unknown fields first, then fields in declaration order. Built from the schema, never the input. */
function describeIssue(schema: ObjectSchema, issues: readonly v.BaseIssue<unknown>[]): string {
  const unknown = issues.find((issue) => issue.type === 'strict_object' && issue.expected === 'never');
  if (unknown) return `Unknown field "${truncate(String(unknown.path?.[0]?.key ?? ''))}".`;
  const issue = issues[0];
  const key = String(issue?.path?.[0]?.key ?? '');
  const field = schema.fields[key];
  if (!issue || !field) return 'The request body does not match its schema.';
  if (issue.type === 'strict_object') return `Field "${key}" is required.`;
  if (typeof issue.input !== 'string') return `Field "${key}" must be a string.`;
  if (issue.type === 'check') return `Field "${key}" must be valid Unicode text.`;
  if (issue.type === 'min_length') return `Field "${key}" must be at least ${field.minLength} characters.`;
  if (issue.type === 'max_length') return `Field "${key}" must be at most ${field.maxLength} characters.`;
  if (issue.type === 'picklist') return `Field "${key}" must be one of: ${(field.enum ?? []).join(', ')}.`;
  return `Field "${key}" is not valid.`;
}

/** The JSON Schema (as OpenAPI 3.1 embeds it) of a schema; `$schema` is left to the document. */
export function toJsonSchema(schema: AnySchema): Record<string, unknown> {
  // `check` (the Unicode rule) has no JSON Schema form: ignored here, enforced by parseWithSchema.
  const jsonSchema = valibotToJsonSchema(schema, { errorMode: 'ignore' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return jsonSchema;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
