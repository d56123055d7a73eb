// Response-body schemas of the admin routes: the admin view of one user, assembled from every capability's part.

import * as v from 'valibot';
import { isoTime, namedSchema, nullableText } from '../http/schema';
import { eventItem, sessionFields } from '../sessions/responses';

const sessionItem = v.strictObject(sessionFields);

const factorItem = v.strictObject({
  id: v.pipe(v.string(), v.description('The passkey\'s credential id, or "totp".')),
  type: v.picklist(['totp', 'passkey']),
  name: nullableText('The passkey\'s name; null for TOTP.'),
  created_at: isoTime('When it was added (TOTP: enabled).'),
  last_used_at: v.nullable(isoTime('When it last signed in, if ever.')),
});

const identityItem = v.strictObject({
  id: v.string(),
  provider: v.string(),
  email: nullableText('The address the provider gave, if any.'),
  created_at: isoTime('When it was linked.'),
});

/** The answer of GET /admin/users/:id. */
export const adminUserResponse = namedSchema(
  'AdminUserResponse',
  v.strictObject({
    user: v.strictObject({
      id: v.string(),
      email: v.string(),
      email_verified: v.boolean(),
      roles: v.array(v.string()),
      created_at: isoTime('When the account was created.'),
    }),
    sessions: v.pipe(v.array(sessionItem), v.description('Live sessions, most recently used first.')),
    factors: v.pipe(v.array(factorItem), v.description('Second factors and passkeys.')),
    identities: v.pipe(v.array(identityItem), v.description('Linked provider accounts.')),
    events: v.pipe(v.array(eventItem), v.description('Recent security events, newest first.')),
  }),
);
export type AdminUserResponse = v.InferOutput<typeof adminUserResponse.schema>;
/** A capability's part of the admin view: any of its lists. */
export type AdminViewPart = Partial<Omit<AdminUserResponse, 'user'>>;
