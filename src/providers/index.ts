// The providers capability: sign-in with other providers and the linked identities; an identity is a way in.

import type { AdminViewPart } from '../admin/responses';
import { isoFromSeconds } from '../core/time';
import type { Capability } from '../http/capability';
import { deleteUserIdentitiesStatement, listIdentities, unindexRemovedIdentities } from './identity-rows';
import { addIdentityRoutes } from './identity-routes';
import { addOAuthRoutes } from './routes';

/** Sign-in with GitHub, Google or any OpenID Connect provider. */
export const providersCapability: Capability = {
  name: 'providers',
  canBeDisabled: true,
  addRoutes(app) {
    addOAuthRoutes(app);
    addIdentityRoutes(app);
  },
  waysIn: {
    remove: (db, userId) => [deleteUserIdentitiesStatement(db, userId)],
    // Their directory entries live on their keys' home shards: forgotten once the batch has committed.
    afterRemoval: (env, results, userId) => unindexRemovedIdentities(env, results[0], userId),
  },
  async adminView(db, userId): Promise<AdminViewPart> {
    const identities = await listIdentities(db, userId);
    return {
      identities: identities.map((identity) => ({
        id: identity.id,
        provider: identity.provider,
        email: identity.email,
        created_at: isoFromSeconds(identity.createdAt),
      })),
    };
  },
  sweeps: [
    // A provider sign-in past its expiry can never finish.
    {
      key: 'oauthFlows',
      sql: 'DELETE FROM oauth_flows WHERE state_hash IN (SELECT state_hash FROM oauth_flows WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: (now) => now,
    },
  ],
};
