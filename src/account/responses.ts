// Response-body schemas of the account capability: mail-sending routes and email verification.

import * as v from 'valibot';
import { namedSchema } from '../http/schema';

/** `{}`: the answer of a route that accepted a request and queues mail. */
export const acceptedResponse = namedSchema('AcceptedResponse', v.strictObject({}));
export type AcceptedResponse = v.InferOutput<typeof acceptedResponse.schema>;

/** The answer of POST /auth/email/verify: the user, with the address now in use and verified. */
export const verifiedUserResponse = namedSchema(
  'VerifiedUserResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.pipe(v.string(), v.description('The address now in use (the new one after an email change).')), email_verified: v.literal(true) }),
  }),
);
export type VerifiedUserResponse = v.InferOutput<typeof verifiedUserResponse.schema>;
