// A small request-body schema: validates JSON into typed values and emits JSON Schema for OpenAPI.

import { AuthError } from '../errors';

// A JSON "\uD800" escape parses to half a character: UTF-8 cannot encode it, so two different
// such strings would store and hash alike (both become U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One string field of a request body. */
export interface StringField {
  type: 'string';
  description: string;
  minLength?: number;
  maxLength?: number;
  enum?: readonly string[];
  format?: 'email' | 'password';
  optional?: boolean;
}

/** A JSON object with string fields; unknown fields are refused. */
export interface ObjectSchema<Fields extends Record<string, StringField> = Record<string, StringField>> {
  name: string;
  fields: Fields;
}

type FieldValue<Field extends StringField> = Field['enum'] extends readonly (infer Choice)[] ? Choice : string;

/** The typed value a schema produces. */
export type Infer<Schema extends ObjectSchema> = {
  [Key in keyof Schema['fields'] as Schema['fields'][Key]['optional'] extends true ? never : Key]: FieldValue<Schema['fields'][Key]>;
} & {
  [Key in keyof Schema['fields'] as Schema['fields'][Key]['optional'] extends true ? Key : never]?: FieldValue<Schema['fields'][Key]>;
};

/** Declares a body schema; `const` keeps enum literals in the inferred type. */
export function objectSchema<const Fields extends Record<string, StringField>>(name: string, fields: Fields): ObjectSchema<Fields> {
  return { name, fields };
}

/**
 * Checks a parsed JSON value against a schema. Throws a 400 `invalid_request`
 * that names the first offending field, and never echoes its value.
 */
export function parseWithSchema<Schema extends ObjectSchema>(schema: Schema, value: unknown): Infer<Schema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('invalid_request', 'The request body must be a JSON object.');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema.fields, key)) {
      throw new AuthError('invalid_request', `Unknown field "${truncate(key)}".`);
    }
  }
  const output: Record<string, string> = {};
  for (const [key, field] of Object.entries(schema.fields)) {
    const fieldValue = input[key];
    if (fieldValue === undefined || fieldValue === null) {
      if (field.optional) continue;
      throw new AuthError('invalid_request', `Field "${key}" is required.`);
    }
    if (typeof fieldValue !== 'string') throw new AuthError('invalid_request', `Field "${key}" must be a string.`);
    if (LONE_SURROGATE.test(fieldValue)) throw new AuthError('invalid_request', `Field "${key}" must be valid Unicode text.`);
    if (field.minLength !== undefined && fieldValue.length < field.minLength) {
      throw new AuthError('invalid_request', `Field "${key}" must be at least ${field.minLength} characters.`);
    }
    if (field.maxLength !== undefined && fieldValue.length > field.maxLength) {
      throw new AuthError('invalid_request', `Field "${key}" must be at most ${field.maxLength} characters.`);
    }
    if (field.enum && !field.enum.includes(fieldValue)) {
      throw new AuthError('invalid_request', `Field "${key}" must be one of: ${field.enum.join(', ')}.`);
    }
    output[key] = fieldValue;
  }
  return output as Infer<Schema>;
}

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a body schema. */
export function toJsonSchema(schema: ObjectSchema): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.fields)) {
    const property: Record<string, unknown> = { type: 'string', description: field.description };
    if (field.minLength !== undefined) property.minLength = field.minLength;
    if (field.maxLength !== undefined) property.maxLength = field.maxLength;
    if (field.enum) property.enum = [...field.enum];
    if (field.format) property.format = field.format;
    properties[key] = property;
    if (!field.optional) required.push(key);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
