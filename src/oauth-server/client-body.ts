// The JSON body of POST /admin/oauth/clients, declared for /openapi.json (the rules are in client-metadata.ts).

import * as v from 'valibot';
import type { ObjectSchema } from '../http/schema';

const schema = v.strictObject({
  client_name: v.optional(v.pipe(v.string(), v.maxLength(100), v.description('Shown on the consent page and in GET /auth/grants.'))),
  redirect_uris: v.optional(v.pipe(v.array(v.string()), v.description('Exact redirect URIs: https; for native clients also http on 127.0.0.1/[::1] (any port) or a reverse-domain scheme. No fragments.'))),
  grant_types: v.optional(v.array(v.picklist(['authorization_code', 'refresh_token', 'client_credentials']))),
  response_types: v.optional(v.array(v.picklist(['code']))),
  token_endpoint_auth_method: v.optional(v.picklist(['client_secret_basic', 'client_secret_post', 'none'])),
  application_type: v.optional(v.picklist(['web', 'native'])),
  first_party: v.optional(v.pipe(v.boolean(), v.description('true: the client skips the consent page.'))),
  scope: v.optional(v.pipe(v.string(), v.description('Space-separated scopes the client may ask for (default "openid profile email offline_access").'))),
});

/**
 * RFC 7591 client metadata plus `first_party`. Its fields are not all
 * strings, so it is declared directly; parseClientMetadata checks the body.
 */
export const clientRegistrationBody: ObjectSchema = { name: 'OAuthClientRegistrationRequest', fields: {}, schema };
