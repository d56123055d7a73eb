// Request bodies are validated by valibot schemas, with our own messages: they name the field, never echo its value.
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors';
import { parseWithSchema } from '../../src/http/schema';
import { loginBody } from '../../src/password/schemas';
import { refreshBody } from '../../src/sessions/schemas';

function refusal(value: unknown): AuthError {
  try {
    parseWithSchema(loginBody, value);
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const SECRET = 'hunter2-secret-value';

describe('parseWithSchema', () => {
  it('returns the typed fields of a valid body, an optional null read as not sent', () => {
    expect(parseWithSchema(loginBody, { email: 'a@b.c', password: SECRET, token_delivery: 'body' })).toEqual({ email: 'a@b.c', password: SECRET, token_delivery: 'body' });
    expect(parseWithSchema(loginBody, { email: 'a@b.c', password: SECRET, token_delivery: null })).toEqual({ email: 'a@b.c', password: SECRET });
    expect(parseWithSchema(refreshBody, {})).toEqual({});
  });

  it.each([
    ['an unknown field, before any other problem', { password: SECRET, [SECRET]: 1 }, `Unknown field "${SECRET}".`],
    ['a missing field', { password: SECRET }, 'Field "email" is required.'],
    ['a value that is not a string', { email: 'a@b.c', password: 12345678 }, 'Field "password" must be a string.'],
    ['a lone surrogate', { email: 'a@b.c', password: `${SECRET}\uD800` }, 'Field "password" must be valid Unicode text.'],
    ['a string over its limit', { email: `${SECRET}`.repeat(20), password: SECRET }, 'Field "email" must be at most 320 characters.'],
    ['a value outside the enum', { email: 'a@b.c', password: 'x', token_delivery: SECRET }, 'Field "token_delivery" must be one of: cookie, body.'],
    ['an array', [SECRET], 'The request body must be a JSON object.'],
  ])('refuses %s with 400 invalid_request, naming the field', (_case, value, message) => {
    const error = refusal(value);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
  });

  it('never puts a refused value in its message', () => {
    for (const value of [{ email: 'a@b.c', password: `${SECRET}\uDC00` }, { email: SECRET.repeat(20), password: 'x' }, { email: 'a@b.c', password: 'x', token_delivery: SECRET }]) {
      expect(refusal(value).message).not.toContain(SECRET);
    }
  });
});
