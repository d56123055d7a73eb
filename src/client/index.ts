// edge-auth/client: the browser and Node SDK of edge-auth. It imports nothing from the worker.

export { createAuthClient, type AuthClient } from './auth-client';
export { AuthClientError, type AuthClientErrorCode, type ClientOnlyErrorCode, type ServerErrorCode } from './errors';
export { createMemoryRefreshTokenStore } from './token-delivery';
export type {
  AuthChangeListener,
  AuthClientOptions,
  AuthRequestInit,
  AuthSession,
  AuthStatus,
  AuthUser,
  CrossTabChannel,
  CrossTabLocks,
  CrossTabOptions,
  FetchLike,
  RefreshTokenStore,
  RequestCredentialsMode,
  RegisteredUser,
  SessionInfo,
  TokenDelivery,
} from './types';
export { addPasskeyInBrowser, passkeyProofInBrowser, signInWithPasskeyInBrowser, parseCreationOptions, parseRequestOptions, credentialToJSON } from './passkey-browser';
export type { PasskeyInfo, PasskeyOptionsJSON, PasskeyCredentialJSON } from './passkeys';
export { providerMfaTokenOf, providerSignInErrorOf } from './providers';
export type { IdentityInfo, ProviderInfo, ProviderSignInError } from './providers';
export type { SecondFactor, TotpSetup } from './totp';
export type { Proof } from './proof';
