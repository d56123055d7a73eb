// The client of a configured provider: GitHub, Google, or a generic OpenID Connect provider.

import { githubProviderClient } from './github';
import { googleProviderClient } from './google';
import { oidcProviderClient } from './oidc';
import type { ProviderClient } from './profile';
import type { OAuthProviderConfig } from '../core/provider-config';

/** The client for `config`, whose callback is `redirectUri`. */
export function providerClientFor(config: OAuthProviderConfig, redirectUri: string, nowSeconds: number): ProviderClient {
  if (config.kind === 'oidc') return oidcProviderClient(config, redirectUri, nowSeconds);
  return config.kind === 'github' ? githubProviderClient(config, redirectUri) : googleProviderClient(config, redirectUri, nowSeconds);
}
