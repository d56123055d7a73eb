// Response-body schemas of the sessions capability: the token answer of every sign-in and refresh, /auth/me, the session list and the account events.

import * as v from 'valibot';
import { isoTime, namedSchema, nullableText } from '../http/schema';

const seconds = (description: string) => v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));

/** The answer of login and refresh. */
export const tokenResponse = namedSchema(
  'TokenResponse',
  v.strictObject({
    access_token: v.pipe(v.string(), v.description('A JWT (typ at+jwt) for Authorization: Bearer.')),
    token_type: v.literal('Bearer'),
    expires_in: seconds('Seconds until the access token expires.'),
    refresh_token: v.optional(v.pipe(v.string(), v.description('Only with body delivery: the (rotated) refresh token.'))),
    refresh_token_expires_in: v.optional(seconds('Only with body delivery: seconds until the session ends.')),
  }),
);
export type TokenResponse = v.InferOutput<typeof tokenResponse.schema>;

/** The answer of GET /auth/me. */
export const meResponse = namedSchema(
  'MeResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.string(), email_verified: v.boolean(), roles: v.array(v.string()) }),
    session_id: v.string(),
  }),
);
export type MeResponse = v.InferOutput<typeof meResponse.schema>;

/** The fields of a listed session (the owner's own list adds `current`; the admin view lists them as they are). */
export const sessionFields = {
  id: v.string(),
  created_at: isoTime('When the session signed in.'),
  last_used_at: isoTime('The last refresh.'),
  expires_at: isoTime('When the session ends unless refreshed.'),
  user_agent: nullableText('User-Agent at sign-in.'),
  ip: nullableText('Client address at sign-in.'),
  country: nullableText('Country at sign-in, when Cloudflare knows it.'),
};

/** One listed security event. */
export const eventItem = v.strictObject({
  type: v.pipe(v.string(), v.description('What happened, e.g. login_succeeded, lockout, session_deleted.')),
  created_at: isoTime('When it happened.'),
  session_id: nullableText('The session it concerns.'),
  ip: nullableText('Client address.'),
  user_agent: nullableText('User-Agent.'),
  country: nullableText('Country, when Cloudflare knows it.'),
});

/** The answer of GET /auth/sessions. */
export const sessionsResponse = namedSchema(
  'SessionsResponse',
  v.strictObject({
    sessions: v.array(v.strictObject({ ...sessionFields, current: v.pipe(v.boolean(), v.description('True for the session of the token that asked.')) })),
  }),
);
export type SessionsResponse = v.InferOutput<typeof sessionsResponse.schema>;

/** The answer of GET /auth/events. */
export const eventsResponse = namedSchema(
  'EventsResponse',
  v.strictObject({
    events: v.array(eventItem),
  }),
);
export type EventsResponse = v.InferOutput<typeof eventsResponse.schema>;
