// The SDK's provider sign-in calls: the configured providers, the URL a "Continue with …" button opens, the error a
// callback left in the address bar, and the account's linked identities.

import { errorFromResponse } from './errors';
import { proofFields, type Proof } from './proof';

/** A configured sign-in provider. */
export interface ProviderInfo {
  /** The id in `/auth/oauth/<id>`. */
  id: string;
  type: 'github' | 'google' | 'oidc';
}

/** A provider identity linked to the account. */
export interface IdentityInfo {
  id: string;
  provider: string;
  /** The address the provider gave when it was linked. */
  email: string | null;
  createdAt: string;
}

/**
 * The codes a provider sign-in may leave after `#error=`. `mfa_required` is
 * no failure: the account has TOTP on, and `providerMfaTokenOf` gives the
 * token to finish with `completeMfaLogin`.
 */
export type ProviderSignInError = 'access_denied' | 'invalid_state' | 'account_exists' | 'email_not_verified' | 'mfa_required' | 'provider_error';

const SIGN_IN_ERRORS: readonly ProviderSignInError[] = ['access_denied', 'invalid_state', 'account_exists', 'email_not_verified', 'mfa_required', 'provider_error'];

/** What the provider calls need from the client that owns them. */
export interface ProviderTransport {
  /** An absolute URL of the service for `path`. */
  endpoint(path: string): string;
  /** A plain GET of a public route. */
  get(path: string): Promise<Response>;
  /** A bearer call (refreshed and retried once on a 401), with a JSON body when given. */
  withBearer(path: string, method: string, body?: unknown): Promise<Response>;
}

/** Provider methods of an AuthClient. */
export interface ProviderMethods {
  /** The providers the service offers (for "Continue with …" buttons). */
  listProviders(): Promise<ProviderInfo[]>;
  /**
   * The URL that starts a sign-in with `providerId` and comes back to
   * `redirectTo` (a page on the service's origin or an ALLOWED_ORIGINS one).
   * Navigate the window there; after the return, `init()` finds the session
   * (or, for an account with TOTP on, `providerMfaTokenOf` finds the second step).
   */
  providerSignInUrl(providerId: string, redirectTo: string): string;
  /** The account's linked identities, oldest first. */
  listIdentities(): Promise<IdentityInfo[]>;
  /** Unlinks an identity, with a proof (refused for the last way to sign in). */
  removeIdentity(id: string, proof: Proof): Promise<void>;
}

/**
 * The `#error=` a provider sign-in sent the browser back with, or `null`.
 *
 * @example
 * const failed = providerSignInErrorOf(location.href); // 'account_exists' | … | null
 */
export function providerSignInErrorOf(url: string | URL): ProviderSignInError | null {
  const code = fragmentOf(url).get('error');
  return SIGN_IN_ERRORS.find((known) => known === code) ?? null;
}

/**
 * The `mfa_token` of a provider sign-in that stopped at the second step
 * (`#error=mfa_required&mfa_token=…`: the account has TOTP on), or `null`.
 * Ask for a code and finish with `completeMfaLogin`; with cookie delivery
 * the refresh cookie then lands as after any provider sign-in. The token
 * lives 5 minutes; remove the fragment from the address bar once read.
 *
 * @example
 * const mfaToken = providerMfaTokenOf(location.href);
 * if (mfaToken) await auth.completeMfaLogin(mfaToken, { code: await askForCode() });
 */
export function providerMfaTokenOf(url: string | URL): string | null {
  const fragment = fragmentOf(url);
  const token = fragment.get('mfa_token');
  return fragment.get('error') === 'mfa_required' && token !== null && token !== '' ? token : null;
}

function fragmentOf(url: string | URL): URLSearchParams {
  const hash = new URL(url).hash;
  return new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
}

interface WireIdentity {
  id: string;
  provider: string;
  email: string | null;
  created_at: string;
}

/** Builds the provider methods over the client's transport. */
export function createProviderMethods(transport: ProviderTransport): ProviderMethods {
  return {
    async listProviders() {
      const response = await transport.get('/auth/oauth');
      if (response.status !== 200) throw await errorFromResponse(response);
      return ((await response.json()) as { providers: ProviderInfo[] }).providers.map(({ id, type }) => ({ id, type }));
    },
    providerSignInUrl(providerId, redirectTo) {
      return `${transport.endpoint(`/auth/oauth/${encodeURIComponent(providerId)}`)}?redirect_to=${encodeURIComponent(redirectTo)}`;
    },
    async listIdentities() {
      const response = await transport.withBearer('/auth/identities', 'GET');
      if (response.status !== 200) throw await errorFromResponse(response);
      return ((await response.json()) as { identities: WireIdentity[] }).identities.map((wire) => ({ id: wire.id, provider: wire.provider, email: wire.email, createdAt: wire.created_at }));
    },
    async removeIdentity(id, proof) {
      const response = await transport.withBearer(`/auth/identities/${encodeURIComponent(id)}`, 'DELETE', proofFields(proof));
      if (response.status !== 204) throw await errorFromResponse(response);
    },
  };
}
