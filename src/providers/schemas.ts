// Query schemas of the provider sign-in routes, for validation and /openapi.json.

import * as v from 'valibot';
import { AuthError } from '../core/errors';
import { objectSchema, parseWithSchema, text, type Infer, type ObjectSchema } from '../http/schema';

/** GET /auth/oauth/:provider. */
export const oauthStartQuery = objectSchema('OAuthStartQuery', {
  redirect_to: {
    type: 'string',
    description: 'Where the browser returns: a URL whose origin is this service\'s own or in ALLOWED_ORIGINS (any path), without a fragment.',
    minLength: 1,
    maxLength: 2048,
  },
});

const callbackFields = {
  code: { type: 'string', description: 'The authorization code.', maxLength: 4096, optional: true },
  state: { type: 'string', description: 'The state this service sent.', maxLength: 512, optional: true },
  error: { type: 'string', description: 'The provider\'s error code (e.g. access_denied).', maxLength: 256, optional: true },
  iss: { type: 'string', description: 'The provider\'s issuer (RFC 9207), checked when present.', maxLength: 2048, optional: true },
} as const;

/**
 * GET /auth/oauth/:provider/callback. Providers add parameters of their own
 * (error_description, scope, authuser, session_state…): those are ignored,
 * not refused.
 */
export const oauthCallbackQuery: ObjectSchema<typeof callbackFields> = {
  name: 'OAuthCallbackQuery',
  fields: callbackFields,
  schema: v.looseObject(Object.fromEntries(Object.entries(callbackFields).map(([key, field]) => [key, v.nullish(text(field.description, field))]))),
};

/** The query of a request as an object; a parameter sent twice is refused (which value would count?). */
export function readQuery(request: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) {
    if (Object.hasOwn(query, key)) throw new AuthError('invalid_request', `Query parameter "${key.slice(0, 40)}" was sent more than once.`);
    query[key] = value;
  }
  return query;
}

/** The typed query of the start route (400 `invalid_request` when it does not match). */
export function parseOAuthStartQuery(request: Request): Infer<typeof oauthStartQuery> {
  return parseWithSchema(oauthStartQuery, readQuery(request));
}

/** The typed query of the callback (only the fields it reads). */
export function parseOAuthCallbackQuery(request: Request): Infer<typeof oauthCallbackQuery> {
  const parsed = parseWithSchema(oauthCallbackQuery, readQuery(request)) as Record<string, unknown>;
  const picked: Record<string, string> = {};
  for (const key of Object.keys(callbackFields)) if (typeof parsed[key] === 'string') picked[key] = parsed[key];
  return picked as Infer<typeof oauthCallbackQuery>;
}
