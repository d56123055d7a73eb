// Routes for the provider identities linked to the signed-in user: the list and removal.

import type { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { removeIdentity } from './identity-removal';
import { requireProof } from '../proof/proof';
import { readJsonBody } from '../http/body';
import { defineRoute } from '../http/define-route';
import { logEvent } from '../core/log';
import { requireAuth } from '../sessions/require-auth';
import { listIdentities } from './identity-rows';
import { databaseForKey } from '../storage/database';
import { PROOF_RESPONSES, proofContextFor } from '../proof/proof-context';
import { identityUnlinkBody, parseProofBody } from '../proof/proof-schemas';
import { identitiesResponse, type IdentitiesResponse } from './responses';
import { isoTime } from '../sessions/session-routes';
import { securityNoticesFor } from '../account/notice-context';

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
      const identities = await listIdentities(databaseForKey(c.env, c.var.auth.userId), c.var.auth.userId);
      const body: IdentitiesResponse = {
        identities: identities.map((identity) => ({ id: identity.id, provider: identity.provider, email: identity.email, created_at: isoTime(identity.createdAt) })),
      };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE', path: '/auth/identities/:id', tag: TAG, auth: 'bearer', body: identityUnlinkBody, bodyOptional: true,
      summary: 'Unlink a provider identity, with a proof in the same request (JSON body); refused when it is the account\'s last way to sign in.',
      responses: {
        204: 'Removed.',
        ...PROOF_RESPONSES,
        404: 'not_found: no such identity on this account.',
        409: 'last_sign_in_method: the account has no password, no passkey and no other identity.',
      },
    },
    requireAuth(),
    async (c) => {
      const proof = parseProofBody(identityUnlinkBody, await readJsonBody(c.req.raw, { optional: true }));
      await requireProof(proofContextFor(c), c.var.auth, 'identity_unlink', proof);
      await removeIdentity(c.env, c.var.auth.userId, c.req.param('id') ?? '', c.var.nowSeconds, readClientInfo(c.req.raw), securityNoticesFor(c));
      logEvent('info', 'identity_removed', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      return c.body(null, 204);
    },
  );
}
