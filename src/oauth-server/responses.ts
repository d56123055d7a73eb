// Response schemas of the authorization server's routes, for /openapi.json.

import * as v from 'valibot';
import { namedSchema } from '../http/schema';
import type { ClientRecord } from './client-rows';

const clientFields = {
  client_id: v.pipe(v.string(), v.description('The client identifier.')),
  client_name: v.string(),
  redirect_uris: v.array(v.string()),
  grant_types: v.array(v.string()),
  response_types: v.array(v.string()),
  token_endpoint_auth_method: v.pipe(v.string(), v.description('client_secret_basic, client_secret_post, or none (a public client).')),
  application_type: v.picklist(['web', 'native']),
  first_party: v.pipe(v.boolean(), v.description('First-party clients skip the consent page.')),
  scope: v.pipe(v.string(), v.description('The scopes the client may ask for, space-separated.')),
  client_id_issued_at: v.pipe(v.number(), v.description('Unix seconds.')),
};

/** A client as the admin API shows it (RFC 7591 metadata names). */
export type ClientView = { [Key in keyof typeof clientFields]: v.InferOutput<(typeof clientFields)[Key]> };

/** The RFC 7591 view of a stored client; never its secret or the secret's hash. */
export function clientView(client: ClientRecord): ClientView {
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: [...client.redirectUris],
    grant_types: [...client.grantTypes],
    response_types: ['code'],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    application_type: client.applicationType,
    first_party: client.firstParty,
    scope: client.scopes.join(' '),
    client_id_issued_at: client.createdAt,
  };
}

export const clientRegistrationResponse = namedSchema(
  'OAuthClientRegistration',
  v.strictObject({
    ...clientFields,
    client_secret: v.optional(v.pipe(v.string(), v.description('Confidential clients only; shown this once (only its SHA-256 is kept).'))),
    client_secret_expires_at: v.optional(v.pipe(v.number(), v.description('0: the secret does not expire.'))),
  }),
);

export const clientListResponse = namedSchema('OAuthClientList', v.strictObject({ clients: v.array(v.strictObject(clientFields)) }));

export const authorizationServerMetadata = namedSchema(
  'AuthorizationServerMetadata',
  v.pipe(
    v.looseObject({
      issuer: v.string(),
      jwks_uri: v.string(),
      scopes_supported: v.array(v.string()),
      response_types_supported: v.array(v.string()),
      code_challenge_methods_supported: v.array(v.string()),
    }),
    v.description('RFC 8414 / OpenID Connect Discovery metadata: only endpoints that exist are named.'),
  ),
);

export const tokenErrorBody = namedSchema(
  'OAuthTokenError',
  v.pipe(
    v.strictObject({ error: v.string(), error_description: v.string() }),
    v.description('RFC 6749 section 5.2: the error code and one sentence.'),
  ),
);

export const tokenResponseBody = namedSchema(
  'OAuthTokenResponse',
  v.strictObject({
    access_token: v.pipe(v.string(), v.description('An at+jwt with client_id, scope and sid = the grant; no roles.')),
    token_type: v.picklist(['Bearer']),
    expires_in: v.number(),
    scope: v.string(),
    id_token: v.optional(v.pipe(v.string(), v.description('With the openid scope: aud = the client, nonce, auth_time, amr, sid.'))),
  }),
);
