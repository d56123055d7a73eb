// The discovery documents (RFC 8414 and OpenID Connect Discovery 1.0): what this authorization server offers, at its issuer.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { methodsForPath } from '../http/route-registry';
import { issuerFor } from '../tokens/issuer';
import { resourceScopesOf } from './admin-client-routes';
import { OIDC_SCOPES } from './client-metadata';
import { authorizationServerMetadata } from './responses';

/** Metadata name → path; an endpoint is advertised only while a route serves it. */
const ENDPOINTS: readonly (readonly [string, string])[] = [
  ['authorization_endpoint', '/oauth2/authorize'],
  ['token_endpoint', '/oauth2/token'],
  ['userinfo_endpoint', '/oauth2/userinfo'],
  ['revocation_endpoint', '/oauth2/revoke'],
  ['introspection_endpoint', '/oauth2/introspect'],
  ['jwks_uri', '/.well-known/jwks.json'],
];

const CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'email', 'email_verified'];

/** The metadata document: one body for both well-known paths. */
function metadataDocument(c: Context<AppEnv>): Record<string, unknown> {
  const issuer = issuerFor(c.var.config, c.req.raw);
  const base = issuer.replace(/\/$/, '');
  const disabled = c.var.config.disabledCapabilities;
  const endpoints = Object.fromEntries(ENDPOINTS.filter(([, path]) => methodsForPath(path, disabled).length > 0).map(([name, path]) => [name, `${base}${path}`]));
  const algorithms = [...new Set(c.var.config.signingKeys.keys.map((key) => key.alg))];
  return {
    issuer,
    ...endpoints,
    scopes_supported: [...OIDC_SCOPES, ...resourceScopesOf(c.var.config.oauthServer.resources)],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // Only the grants the token endpoint serves today (refresh_token and client_credentials are not built yet).
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    ...('token_endpoint' in endpoints ? { token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'] } : {}),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
    claims_supported: CLAIMS,
    authorization_response_iss_parameter_supported: true,
  };
}

/** Adds the two metadata documents. */
export function addMetadataRoutes(app: Hono<AppEnv>): void {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    defineRoute(
      app,
      {
        method: 'GET', path, tag: 'Authorization server', auth: 'none',
        summary: 'Authorization server metadata (RFC 8414, OpenID Connect Discovery): issuer, endpoints, scopes, PKCE S256.',
        responses: { 200: { description: 'The metadata document.', body: authorizationServerMetadata, requiredHeaders: ['Cache-Control'] } },
      },
      (c) => c.json(metadataDocument(c), 200, { 'Cache-Control': 'public, max-age=300' }),
    );
  }
}
