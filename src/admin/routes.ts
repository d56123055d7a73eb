// Admin routes: they need the "admin" role from the verified access token.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { revokeSessions } from '../sessions/revoke';
import { AuthError } from '../core/errors';
import { defineRoute } from '../http/define-route';
import { logEvent } from '../core/log';
import { requireAuth, requireRole } from '../sessions/require-auth';
import { findUserIn, type UserRecord } from '../storage/users';
import { databaseOfKnownShard } from '../storage/database';
import { isoFromSeconds } from '../core/time';
import { adminUserResponse, type AdminUserResponse, type AdminViewPart } from './responses';

/** The user a route's `:id` names, with their shard's database; an id naming no shard of the map names nobody (404, not 401). */
async function findTargetUser(c: Context<AppEnv>): Promise<{ db: D1Database; user: UserRecord }> {
  const userId = c.req.param('id') ?? '';
  const db = databaseOfKnownShard(c.env, userId);
  const user = db === null ? null : await findUserIn(db, userId);
  if (!db || !user) throw new AuthError('not_found', 'There is no user with this id.');
  return { db, user };
}

/**
 * Joins the capabilities' parts of the admin view: lists of one name (both
 * TOTP and passkeys add `factors`) are concatenated in the app's order; a
 * list no capability gives is empty.
 */
function mergeAdminViewParts(parts: readonly AdminViewPart[]): Omit<AdminUserResponse, 'user'> {
  const merged: Omit<AdminUserResponse, 'user'> = { sessions: [], factors: [], identities: [], events: [] };
  for (const part of parts) {
    merged.sessions.push(...(part.sessions ?? []));
    merged.factors.push(...(part.factors ?? []));
    merged.identities.push(...(part.identities ?? []));
    merged.events.push(...(part.events ?? []));
  }
  return merged;
}

/** Adds the admin routes to the app. */
export function addAdminRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/admin/users/:id', tag: 'Admin', auth: 'bearer-admin',
      summary: "One user as an operator sees them: profile, live sessions, factors, linked identities and recent security events.",
      responses: {
        200: { description: 'The user, with each capability\'s part.', body: adminUserResponse },
        401: 'invalid_token.',
        403: 'insufficient_scope: needs the admin role.',
        404: 'not_found: no such user.',
      },
    },
    requireAuth(),
    requireRole('admin'),
    async (c) => {
      const { db, user } = await findTargetUser(c);
      const parts = await Promise.all(c.var.capabilities.map((capability) => capability.adminView?.(db, user.id, c.var.nowSeconds) ?? {}));
      const body: AdminUserResponse = {
        user: { id: user.id, email: user.email, email_verified: user.emailVerified, roles: user.roles, created_at: isoFromSeconds(user.createdAt) },
        ...mergeAdminViewParts(parts as AdminViewPart[]),
      };
      logEvent('info', 'admin_viewed_user', { admin_user_id: c.var.auth.userId, user_id: user.id });
      return c.json(body);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/admin/users/:id/revoke-sessions', tag: 'Admin', auth: 'bearer-admin',
      summary: 'End every session of a user (their refresh and access tokens stop working at once).',
      responses: { 204: 'Revoked.', 401: 'invalid_token.', 403: 'insufficient_scope: needs the admin role.', 404: 'not_found: no such user.' },
    },
    requireAuth(),
    requireRole('admin'),
    async (c) => {
      const { db, user } = await findTargetUser(c);
      const revoked = await revokeSessions(c.env, db, c.var.config, {
        target: { userId: user.id },
        reason: 'admin_revoked',
        nowSeconds: c.var.nowSeconds,
        // The admin's own address is not shown in the user's event list.
        event: { userId: user.id, sessionId: null, client: null, always: true },
      });
      logEvent('warn', 'admin_revoked_sessions', { admin_user_id: c.var.auth.userId, user_id: user.id, sessions_revoked: revoked.length });
      return c.body(null, 204);
    },
  );
}
