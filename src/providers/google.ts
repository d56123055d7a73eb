// Google: arctic's client (PKCE S256) with a nonce, and the ID token verified against Google's published keys.

import { Google } from 'arctic';
import { verifyIdToken } from '../tokens/id-token';
import { profileFromIdTokenClaims, type ProviderClient } from './profile';
import type { NamedProviderConfig } from '../core/provider-config';
import { exchangeCode, idTokenOf } from './token-exchange';

export const GOOGLE_JWKS_URI = 'https://www.googleapis.com/oauth2/v3/certs';
/** Google signs ID tokens with either spelling of its issuer. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'] as const;
export const GOOGLE_SCOPES = ['openid', 'email', 'profile'] as const;

/** A client of Google sign-in, returning to `redirectUri`. */
export function googleProviderClient(config: NamedProviderConfig, redirectUri: string, nowSeconds: number): ProviderClient {
  const google = new Google(config.clientId, config.clientSecret, redirectUri);
  return {
    async authorizationUrl({ state, codeVerifier, nonce }) {
      const url = google.createAuthorizationURL(state, codeVerifier, [...GOOGLE_SCOPES]);
      url.searchParams.set('nonce', nonce);
      return url;
    },
    async fetchProfile({ code, codeVerifier, nonce }) {
      const tokens = await exchangeCode(() => google.validateAuthorizationCode(code, codeVerifier));
      const claims = await verifyIdToken(idTokenOf(tokens), { jwksUri: GOOGLE_JWKS_URI, issuers: GOOGLE_ISSUERS, clientId: config.clientId, nonce, nowSeconds });
      return profileFromIdTokenClaims(claims);
    },
  };
}
