// A generic OpenID Connect provider: discovery, authorization code with PKCE S256 and a nonce, and a verified ID token.

import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import { verifyIdToken } from '../tokens/id-token';
import { discoverOpenIdProvider } from './oidc-discovery';
import { profileFromIdTokenClaims, type ProviderClient } from './profile';
import type { OidcProviderConfig } from '../core/provider-config';
import { exchangeCode, idTokenOf } from './token-exchange';

/** A client of the OpenID Connect provider `config`, returning to `redirectUri`. */
export function oidcProviderClient(config: OidcProviderConfig, redirectUri: string, nowSeconds: number): ProviderClient {
  const client = new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  return {
    async authorizationUrl({ state, codeVerifier, nonce }) {
      const metadata = await discoverOpenIdProvider(config.issuer, nowSeconds);
      const url = client.createAuthorizationURLWithPKCE(metadata.authorizationEndpoint, state, CodeChallengeMethod.S256, codeVerifier, [...config.scopes]);
      url.searchParams.set('nonce', nonce);
      return url;
    },
    async fetchProfile({ code, codeVerifier, nonce }) {
      const metadata = await discoverOpenIdProvider(config.issuer, nowSeconds);
      const tokens = await exchangeCode(() => client.validateAuthorizationCode(metadata.tokenEndpoint, code, codeVerifier));
      const claims = await verifyIdToken(idTokenOf(tokens), { jwksUri: metadata.jwksUri, issuers: [metadata.issuer], clientId: config.clientId, nonce, nowSeconds });
      return profileFromIdTokenClaims(claims);
    },
  };
}
