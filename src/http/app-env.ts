// Types shared by the app, its middleware and its routes.

import type { Config } from '../core/config';
import type { Capability } from './capability';
import type { AccessTokenClaims } from '../tokens/access';

/** Bindings and variables the worker receives (generated Env plus secrets). */
export interface Bindings extends Env {
  JWT_SIGNING_KEYS: string;
  JWT_ISSUER?: string;
  /** JSON of the sign-in providers (docs/social-login.md); a secret. */
  OAUTH_PROVIDERS?: string;
}

/** The caller, as established by `requireAuth()` from a verified access token. */
export interface AuthContext {
  userId: string;
  sessionId: string;
  email: string;
  roles: readonly string[];
  claims: AccessTokenClaims;
}

/** What the app takes from outside, so tests can control time. */
export interface AppDependencies {
  /** Current time in milliseconds since the epoch. */
  now: () => number;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    config: Config;
    /** Request time in whole seconds, read once per request. */
    nowSeconds: number;
    auth: AuthContext;
    /** The app's capabilities (src/app.ts), for work that spans them: account deletion, a reset that takes an account back. */
    capabilities: readonly Capability[];
  };
}
