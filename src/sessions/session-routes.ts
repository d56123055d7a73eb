// Routes for the signed-in user's sessions, security events and logout everywhere.

import type { Context, Hono } from 'hono';
import { isoFromSeconds } from '../core/time';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { revokeSessions, type RevocationTarget } from './revoke';
import { AuthError } from '../core/errors';
import { defineRoute } from '../http/define-route';
import { requireAuth } from './require-auth';
import { listAuthEvents } from './auth-events';
import { databaseForKey, replicaForKey } from '../storage/database';
import { listLiveSessions, type RevocationReason } from './session-rows';
import { eventsResponse, sessionsResponse, type EventsResponse, type SessionsResponse } from './responses';

const TAG = 'Sessions';
/** At most this many sessions are listed (the most recently used). */
export const MAX_LISTED_SESSIONS = 100;
/** `GET /auth/events` returns this many of the most recent events. */
export const MAX_LISTED_EVENTS = 50;

/** Unix seconds as an ISO 8601 timestamp. */
export function isoTime(seconds: number): string {
  return isoFromSeconds(seconds);
}

/** Adds the session-management routes to the app. */
export function addSessionRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/sessions', tag: TAG, auth: 'bearer',
      summary: 'The live sessions of the signed-in user, most recently used first.',
      responses: {
        200: {
          description: 'The sessions; "current" marks the one this access token belongs to. "last_used_at" is the last sign-in or refresh of the session (access-token use is not recorded), so it can trail real use by up to one access-token lifetime.',
          body: sessionsResponse,
        },
        401: 'invalid_token.',
      },
    },
    requireAuth(),
    async (c) => {
      const auth = c.var.auth;
      const sessions = await listLiveSessions(replicaForKey(c.env, auth.userId), auth.userId, c.var.nowSeconds, MAX_LISTED_SESSIONS);
      const body: SessionsResponse = {
        sessions: sessions.map((session) => ({
          id: session.id,
          created_at: isoTime(session.createdAt),
          last_used_at: isoTime(session.lastUsedAt),
          expires_at: isoTime(session.expiresAt),
          user_agent: session.userAgent,
          ip: session.ip,
          country: session.country,
          current: session.id === auth.sessionId,
        })),
      };
      return c.json(body);
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE', path: '/auth/sessions/:id', tag: TAG, auth: 'bearer',
      summary: 'End one of your sessions: its refresh token and access tokens stop working at once.',
      responses: { 204: 'Revoked.', 401: 'invalid_token.', 404: 'not_found: no live session of yours has this id.' },
    },
    requireAuth(),
    async (c) => {
      const sessionId = c.req.param('id') ?? '';
      const revoked = await revokeAsCaller(c, { sessions: [{ sessionId, userId: c.var.auth.userId }] }, 'session_deleted');
      if (revoked.length === 0) throw new AuthError('not_found', 'You have no live session with this id.');
      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/logout-all', tag: TAG, auth: 'bearer',
      summary: 'End every session of the signed-in user, this one included.',
      responses: { 204: 'Every session revoked.', 401: 'invalid_token.' },
    },
    requireAuth(),
    async (c) => {
      await revokeAsCaller(c, { userId: c.var.auth.userId }, 'logout_all');
      return c.body(null, 204);
    },
  );


  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/events', tag: TAG, auth: 'bearer',
      summary: `Your ${MAX_LISTED_EVENTS} most recent security events (sign-ins, failures, lockouts, revocations), newest first.`,
      responses: { 200: { description: 'The events.', body: eventsResponse }, 401: 'invalid_token.' },
    },
    requireAuth(),
    async (c) => {
      const events = await listAuthEvents(replicaForKey(c.env, c.var.auth.userId), c.var.auth.userId, MAX_LISTED_EVENTS);
      const body: EventsResponse = {
        events: events.map((event) => ({
          type: event.type,
          created_at: isoTime(event.createdAt),
          session_id: event.sessionId,
          ip: event.ip,
          user_agent: event.userAgent,
          country: event.country,
        })),
      };
      return c.json(body);
    },
  );
}

/** Revokes sessions on the caller's behalf, recording the event under the caller's session and client. */
function revokeAsCaller(c: Context<AppEnv>, target: RevocationTarget, reason: RevocationReason): Promise<string[]> {
  const auth = c.var.auth;
  return revokeSessions(c.env, databaseForKey(c.env, auth.userId), c.var.config, {
    target,
    reason,
    nowSeconds: c.var.nowSeconds,
    event: { userId: auth.userId, sessionId: auth.sessionId, client: readClientInfo(c.req.raw) },
  });
}
