// GET /auth/grants and DELETE /auth/grants/:id: the apps a user let in, and taking that back.

import type { Hono } from 'hono';
import * as v from 'valibot';
import { AuthError } from '../core/errors';
import { isoFromSeconds } from '../core/time';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { isoTime, namedSchema, nullableText } from '../http/schema';
import { requireAuth } from '../sessions/require-auth';
import { flagEndedSessions } from '../sessions/revoke';
import { databaseForKey } from '../storage/database';
import { listLiveGrants, revokeGrant } from './grant-rows';

const grantsResponse = namedSchema(
  'OAuthGrants',
  v.strictObject({
    grants: v.array(
      v.strictObject({
        id: v.string(),
        client_id: v.string(),
        client_name: nullableText('The client\'s name; null once the client was deleted.'),
        scopes: v.array(v.string()),
        created_at: isoTime('When the user first let the client in.'),
        last_used_at: isoTime('The last authorization (or token refresh) under this grant.'),
      }),
    ),
  }),
);

/** Adds the grant routes of the signed-in user. */
export function addGrantRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/grants', tag: 'Authorization server', auth: 'bearer',
      summary: 'The apps the signed-in user let in (client, scopes, created, last used).',
      responses: { 200: { description: '{"grants":[…]}, most recently used first.', body: grantsResponse }, 401: 'invalid_token.' },
    },
    requireAuth(),
    async (c) => {
      const grants = await listLiveGrants(c.env, databaseForKey(c.env, c.var.auth.userId), c.var.auth.userId);
      return c.json({
        grants: grants.map((grant) => ({
          id: grant.id, client_id: grant.clientId, client_name: grant.clientName, scopes: grant.scopes,
          created_at: isoFromSeconds(grant.createdAt), last_used_at: isoFromSeconds(grant.lastUsedAt),
        })),
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE', path: '/auth/grants/:id', tag: 'Authorization server', auth: 'bearer',
      summary: 'Revoke a grant: its codes are deleted and its tokens stop working (KV flag on the grant id).',
      responses: { 204: 'Revoked.', 401: 'invalid_token.', 404: 'not_found: not a live grant of yours.' },
    },
    requireAuth(),
    async (c) => {
      const userId = c.var.auth.userId;
      const grantId = c.req.param('id') ?? '';
      if (!(await revokeGrant(databaseForKey(c.env, userId), userId, grantId, c.var.nowSeconds))) {
        throw new AuthError('not_found', 'There is no live grant of yours with this id.');
      }
      // Access tokens issued under the grant carry sid = the grant id: the same flag a session's revocation raises.
      await flagEndedSessions(c.env, [grantId], c.var.nowSeconds);
      return c.body(null, 204);
    },
  );
}
