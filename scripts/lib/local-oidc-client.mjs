// The local OpenID Provider's one client (as OAUTH_PROVIDERS names it): shared by the provider, the tests and `npm run dev:oidc`.
export const TEST_CLIENT_ID = 'edge-auth-test';
export const TEST_CLIENT_SECRET = 'edge-auth-test-secret-that-is-long-enough';
