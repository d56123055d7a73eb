// Response-body schemas of the password capability: register, and the 403 of a password sign-in that needs more.

import * as v from 'valibot';
import { isoTime, namedSchema } from '../http/schema';

/** The answer of register. */
export const registeredUserResponse = namedSchema(
  'RegisteredUserResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.string(), email_verified: v.boolean(), created_at: isoTime('When the account was created.') }),
  }),
);
export type RegisteredUserResponse = v.InferOutput<typeof registeredUserResponse.schema>;

/** 403 of POST /auth/login: a second factor is needed, or (with REQUIRE_EMAIL_VERIFICATION) the address is unverified. */
export const loginForbiddenResponse = namedSchema(
  'LoginForbidden',
  v.union([
    v.strictObject({
      error: v.literal('mfa_required'),
      message: v.string(),
      mfa_token: v.pipe(v.string(), v.description('Send it to POST /auth/login/mfa with a code; it allows 5 codes within 5 minutes and works once.')),
      methods: v.pipe(v.array(v.picklist(['totp', 'recovery_code'])), v.description('The second factors this account can use.')),
    }),
    v.strictObject({ error: v.literal('email_not_verified'), message: v.string() }),
  ]),
);
