// Public types of the client SDK: options, the session, and the pluggable platform pieces.

/** Whether a request carries cookies; browsers honour it, some runtime typings omit it. */
export type RequestCredentialsMode = 'include' | 'omit' | 'same-origin';

/** `RequestInit` with `credentials`. */
export type AuthRequestInit = RequestInit & { credentials?: RequestCredentialsMode };

/** The `fetch` the SDK calls; the platform's by default. */
export type FetchLike = (input: string, init?: AuthRequestInit) => Promise<Response>;

/** Where the refresh token travels: an HttpOnly cookie (browsers) or the JSON body (Node, mobile). */
export type TokenDelivery = 'cookie' | 'body';

/** Keeps the refresh token of a non-browser client (a file, the OS keychain, secure storage…). */
export interface RefreshTokenStore {
  /** The stored token, or `null`/`undefined` when there is none. */
  get(): string | null | undefined | Promise<string | null | undefined>;
  /** Stores the token; `null` removes it. */
  set(token: string | null): void | Promise<void>;
}

/** The subset of `BroadcastChannel` the SDK uses to talk to other tabs. */
export interface CrossTabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close?(): void;
}

/** The subset of the Web Locks API (`navigator.locks`) the SDK uses. */
export interface CrossTabLocks {
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** How tabs of one origin coordinate. Pass `false` to turn it off. */
export interface CrossTabOptions {
  /** Defaults to a `BroadcastChannel` when the platform has one. */
  channel?: CrossTabChannel | null;
  /** Defaults to `navigator.locks` when the platform has it. */
  locks?: CrossTabLocks | null;
}

/** Options of createAuthClient. */
export interface AuthClientOptions {
  /** Where edge-auth runs, e.g. `https://auth.example.com` or `location.origin`. */
  baseUrl: string;
  /** `cookie` (default) for browsers; `body` for Node and mobile apps. */
  tokenDelivery?: TokenDelivery;
  /** Where a `body` client keeps its refresh token; in memory by default. */
  refreshTokenStore?: RefreshTokenStore;
  /** Other origins whose APIs accept our access tokens; `fetch` sends the token only there and to `baseUrl`. */
  trustedOrigins?: string[];
  /** Refresh this many seconds before the access token expires (default 30). */
  refreshLeewaySeconds?: number;
  /** Cross-tab coordination; on by default for cookie delivery, off for body delivery. */
  crossTab?: CrossTabOptions | false;
  fetch?: FetchLike;
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
}

/** The signed-in user as the access token names them. */
export interface AuthUser {
  id: string;
  email: string;
  /** Whether the address is verified, as of the current access token. */
  emailVerified: boolean;
  roles: string[];
}

/** The user once a verification or email-change link was used. */
export interface VerifiedUser {
  id: string;
  email: string;
  emailVerified: true;
}

/** What the app may know about the current session. The access token itself stays inside the SDK. */
export interface AuthSession {
  user: AuthUser;
  sessionId: string;
  /** When the current access token expires, in milliseconds since the epoch (local clock). */
  accessTokenExpiresAt: number;
}

/** `loading` until init() settles, then `signed_in` or `signed_out`. */
export type AuthStatus = 'loading' | 'signed_in' | 'signed_out';

/** Called whenever the session or the status changes. */
export type AuthChangeListener = (session: AuthSession | null, status: AuthStatus) => void;

/** A user as register() returns it. */
export interface RegisteredUser {
  id: string;
  email: string;
  createdAt: string;
}

/** One of the user's sessions, as listSessions() returns it. */
export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  userAgent: string | null;
  /** True for the session this client is using. */
  current: boolean;
}
