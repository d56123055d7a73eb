// Routes for the provider identities linked to the signed-in user: the list and removal.

import type { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { readClientInfo } from '../auth/client-info';
import { removeIdentity } from '../auth/identities';
import { requireRecentSignIn } from '../auth/step-up';
import { defineRoute } from '../http/define-route';
import { logEvent } from '../log';
import { requireAuth } from '../middleware/require-auth';
import { listIdentities } from '../storage/identities';
import { identitiesResponse, type IdentitiesResponse } from './responses';
import { isoTime } from './sessions';
import { securityNoticesFor } from './security-notices';

const TAG = 'Providers';

/** Adds the linked-identity routes to the app. */
export function addIdentityRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/identities', tag: TAG, auth: 'bearer',
      summary: 'The provider identities (GitHub, Google, OpenID Connect) linked to the signed-in user, oldest first.',
      responses: { 200: { description: 'The identities.', body: identitiesResponse }, 401: 'invalid_token.' },
    },
    requireAuth(),
    async (c) => {
      const identities = await listIdentities(c.env, c.var.auth.userId);
      const body: IdentitiesResponse = {
        identities: identities.map((identity) => ({ id: identity.id, provider: identity.provider, email: identity.email, created_at: isoTime(identity.createdAt) })),
      };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE', path: '/auth/identities/:id', tag: TAG, auth: 'bearer',
      summary: 'Unlink a provider identity (needs a recent sign-in); refused when it is the account\'s last way to sign in.',
      responses: {
        204: 'Removed.',
        401: 'invalid_token.',
        403: 'reauthentication_required: the session signed in over 10 minutes ago; sign in again.',
        404: 'not_found: no such identity on this account.',
        409: 'last_sign_in_method: the account has no password, no passkey and no other identity.',
      },
    },
    requireAuth(),
    async (c) => {
      requireRecentSignIn(c.var.auth, c.var.nowSeconds);
      await removeIdentity(c.env, c.var.auth.userId, c.req.param('id') ?? '', c.var.nowSeconds, readClientInfo(c.req.raw), securityNoticesFor(c));
      logEvent('info', 'identity_removed', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      return c.body(null, 204);
    },
  );
}
