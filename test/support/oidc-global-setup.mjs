// Vitest global setup of the workerd suite: a real OpenID Provider (and its tampering proxy) on loopback, in Node.
// The worker's outbound fetch reaches loopback addresses, so tests in workerd sign in through it over HTTP.
import { TAMPER_MODES, startTestOidcProvider } from '../../scripts/lib/local-oidc-provider.mjs';

/** The provider ids tests configure: the provider itself as "local", and each proxy mode under its own name. */
export const TEST_PROVIDER_IDS = ['local', 'other', ...TAMPER_MODES.map((mode) => `tamper-${mode}`)];

export default async function setup({ provide }) {
  const redirectUris = TEST_PROVIDER_IDS.map((id) => `https://auth.example.test/auth/oauth/${id}/callback`);
  const provider = await startTestOidcProvider({ redirectUris });
  provide('oidcIssuer', provider.issuer);
  provide('oidcProxyIssuers', Object.fromEntries(TAMPER_MODES.map((mode) => [mode, provider.proxyIssuer(mode)])));
  return () => provider.stop();
}
