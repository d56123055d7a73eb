// The authorization server (OAuth 2.1 and OpenID Connect, issue 25): clients, discovery, and the flows built on them.

import type { Capability } from '../http/capability';
import { addAdminClientRoutes } from './admin-client-routes';
import { addAuthorizeRoute } from './authorize-route';
import { addGrantRoutes } from './grant-routes';
import { addMetadataRoutes } from './metadata-routes';
import { addTokenRoute } from './token-route';

/** Off with DISABLED_CAPABILITIES=oauth-server or OAUTH_SERVER=off: its routes answer 404 and leave /openapi.json. */
export const oauthServerCapability: Capability = {
  name: 'oauth-server',
  canBeDisabled: true,
  addRoutes(app) {
    addMetadataRoutes(app);
    addAdminClientRoutes(app);
    addAuthorizeRoute(app);
    addGrantRoutes(app);
    addTokenRoute(app);
  },
  // Grants and codes reference the user (ON DELETE CASCADE): account deletion removes them with the users row.
  sweeps: [
    // A code past its expiry can never be redeemed.
    {
      key: 'oauthCodes',
      sql: 'DELETE FROM oauth_codes WHERE code_hash IN (SELECT code_hash FROM oauth_codes WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: (now) => now,
    },
  ],
};
