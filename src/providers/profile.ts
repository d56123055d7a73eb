// What a sign-in provider says about the person: the shape every provider client maps its answers to.

/** Who signed in at the provider. */
export interface ProviderProfile {
  /** The provider's stable id of the account (`sub`, or GitHub's numeric user id). */
  subject: string;
  /** The address the provider gives, as it gives it (normalised later), or `null`. */
  email: string | null;
  /** True only when the provider asserts it verified that address. */
  emailVerified: boolean;
}

/** The provider answered, but not with something we can accept (the browser gets `provider_error`). */
export class ProviderResponseError extends Error {
  constructor(readonly reason: string) {
    super(`provider response refused: ${reason}`);
    this.name = this.constructor.name;
  }
}

/** One step of a provider sign-in: the URL to send the browser to, then the profile from the code. */
export interface ProviderClient {
  /** The authorization URL with state, PKCE S256 (`codeVerifier`) and, for OpenID Connect, the nonce. */
  authorizationUrl(flow: { state: string; codeVerifier: string; nonce: string }): Promise<URL>;
  /** Exchanges the code (with the PKCE verifier) and returns the verified profile. */
  fetchProfile(exchange: { code: string; codeVerifier: string; nonce: string; nowSeconds: number }): Promise<ProviderProfile>;
}

/** The profile of a verified ID token's claims (Google and any OpenID Connect provider). */
export function profileFromIdTokenClaims(claims: { sub: string; email?: unknown; email_verified?: unknown }): ProviderProfile {
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  // Only a JSON true counts: some providers send the string "true", which we do not guess about.
  return { subject: claims.sub, email, emailVerified: email !== null && claims.email_verified === true };
}
