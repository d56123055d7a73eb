// createAuthClient: sign-in state, single-flight refresh, authorized fetch. The access token lives in memory only.

import { createAccountMethods, type AccountMethods } from './account';
import { createProviderMethods, type ProviderMethods } from './providers';
import { createPasskeyMethods, type PasskeyMethods, type PasskeyTransport } from './passkeys';
import { createTotpMethods, type TotpMethods } from './totp';
import { openCrossTabLink, type CrossTabMessage } from './cross-tab';
import { AuthClientError, errorFromResponse } from './errors';
import { createRefreshTokenChannel } from './token-delivery';
import type { AuthChangeListener, AuthClientOptions, AuthRequestInit, AuthSession, AuthStatus, FetchLike, RegisteredUser, SessionInfo } from './types';
import { readRegisteredUser, readSessionList, readTokenResponse, sessionFromAccessToken, type TokenState } from './wire';

const DEFAULT_REFRESH_LEEWAY_SECONDS = 30;

/** The client of one edge-auth service. */
export interface AuthClient extends AccountMethods, PasskeyMethods, ProviderMethods, TotpMethods {
  /** Restores the session on app load (through the refresh cookie, or the stored token). Resolves to `null` when signed out. */
  init(): Promise<AuthSession | null>;
  /** Creates an account; does not sign in. */
  register(email: string, password: string): Promise<RegisteredUser>;
  /**
   * Signs in and opens a session. With TOTP on it rejects with code
   * `mfa_required` and an `mfaToken`: finish with `completeMfaLogin`.
   */
  login(email: string, password: string): Promise<AuthSession>;
  /**
   * Ends this session on the server and in every tab. Resolves only once the
   * service confirmed it (204). When the service cannot be reached or refuses,
   * it rejects and the client stays signed in (the session and its cookie are
   * still alive), so the app can say so and let the user retry.
   */
  logout(): Promise<void>;
  /** Ends every session of the user (every device). */
  logoutAll(): Promise<void>;
  getSession(): AuthSession | null;
  getStatus(): AuthStatus;
  /** Subscribes to session changes; returns the unsubscribe function. */
  onChange(listener: AuthChangeListener): () => void;
  /**
   * `fetch` with `Authorization: Bearer`. Refreshes shortly before expiry; on a
   * 401 refreshes once and retries once. Relative URLs resolve against `baseUrl`.
   * Bodies must be replayable (string, Blob, FormData…), since a 401 resends them.
   */
  fetch(input: string | URL, init?: AuthRequestInit): Promise<Response>;
  /** A valid access token for APIs you call yourself (refreshed if needed). */
  getAccessToken(): Promise<string>;
  /** The user's sessions. */
  listSessions(): Promise<SessionInfo[]>;
  /** Ends one session; ending the current one signs this client out. */
  revokeSession(sessionId: string): Promise<void>;
  /** Stops listening to other tabs and drops every listener. */
  close(): void;
}

/**
 * Creates a client. Browsers use the default cookie delivery; Node and mobile
 * apps pass `tokenDelivery: 'body'` and, to survive restarts, a `refreshTokenStore`.
 *
 * @example
 * const auth = createAuthClient({ baseUrl: location.origin });
 * auth.onChange((session) => render(session));
 * await auth.init();
 * const response = await auth.fetch('/auth/me');
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const base = new URL(options.baseUrl);
  const trustedOrigins = new Set([base.origin, ...(options.trustedOrigins ?? []).map((origin) => new URL(origin).origin)]);
  const delivery = options.tokenDelivery ?? 'cookie';
  const refreshTokens = createRefreshTokenChannel(delivery, options.refreshTokenStore);
  const platformFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const leewayMs = (options.refreshLeewaySeconds ?? DEFAULT_REFRESH_LEEWAY_SECONDS) * 1000;
  const link = openCrossTabLink(`edge-auth:${base.origin}`, options.crossTab ?? (delivery === 'cookie' ? {} : false), adoptFromOtherTab);

  let current: TokenState | null = null;
  let status: AuthStatus = 'loading';
  // Bumped whenever the session ends, so an answer that arrives afterwards cannot sign back in.
  let epoch = 0;
  let refreshing: Promise<TokenState> | null = null;
  let initializing: Promise<AuthSession | null> | null = null;
  const listeners = new Set<AuthChangeListener>();

  function emit(): void {
    const session = current?.session ?? null;
    for (const listener of [...listeners]) listener(session, status);
  }

  function accept(state: TokenState, announce: boolean): void {
    current = state;
    status = 'signed_in';
    emit();
    if (announce) link.broadcast({ type: 'session', accessToken: state.accessToken, obtainedAt: state.obtainedAt, expiresAt: state.expiresAt });
  }

  function endLocally(announce: boolean): void {
    const sessionId = current?.session.sessionId;
    epoch++;
    const changed = current !== null || status !== 'signed_out';
    current = null;
    status = 'signed_out';
    if (changed) emit();
    if (announce && sessionId !== undefined) link.broadcast({ type: 'signed-out', sessionId });
  }

  function adoptFromOtherTab(message: CrossTabMessage): void {
    if (message.type === 'signed-out') {
      if (current?.session.sessionId === message.sessionId) endLocally(false);
      return;
    }
    if (current && message.obtainedAt <= current.obtainedAt) return;
    try {
      const session = sessionFromAccessToken(message.accessToken, message.expiresAt);
      accept({ accessToken: message.accessToken, obtainedAt: message.obtainedAt, expiresAt: message.expiresAt, session }, false);
    } catch {
      // not a token we can read: ignore it
    }
  }

  function expiresSoon(state: TokenState): boolean {
    const margin = Math.min(leewayMs, (state.expiresAt - state.obtainedAt) / 2);
    return state.expiresAt - now() <= margin;
  }

  function endpoint(path: string): string {
    return new URL(path, base).href;
  }

  async function send(url: string, init: AuthRequestInit): Promise<Response> {
    try {
      return await platformFetch(url, init);
    } catch (cause) {
      throw new AuthClientError('network_error', 'The authentication service could not be reached.', { cause });
    }
  }

  function postJson(path: string, body: unknown): Promise<Response> {
    return send(endpoint(path), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: refreshTokens.credentials,
    });
  }

  /** One refresh per tab at a time, and (with Web Locks) one per origin. */
  function refreshAccessToken(replacing: string | undefined): Promise<TokenState> {
    refreshing ??= link.withRefreshLock(() => runRefresh(replacing)).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function runRefresh(replacing: string | undefined): Promise<TokenState> {
    // While this tab waited for the lock, another may have refreshed and handed its token over…
    if (current && current.accessToken !== replacing && !expiresSoon(current)) return current;
    // …or the session this caller used has ended meanwhile.
    if (replacing !== undefined && !current) throw sessionExpired();
    const startedEpoch = epoch;
    const body = await refreshTokens.requestBody();
    if (delivery === 'body' && body === undefined) throw notSignedIn();
    const sentAt = now();
    const response = await send(endpoint('/auth/refresh'), {
      method: 'POST',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body,
      credentials: refreshTokens.credentials,
    });
    if (epoch !== startedEpoch) throw notSignedIn();
    if (response.status === 401) {
      await discard(response);
      await refreshTokens.forget();
      endLocally(true);
      throw sessionExpired();
    }
    if (!response.ok) throw await errorFromResponse(response);
    const { state, refreshToken } = await readTokenResponse(response, sentAt);
    await refreshTokens.save(refreshToken);
    if (epoch !== startedEpoch) throw notSignedIn();
    accept(state, true);
    return state;
  }

  async function usableToken(): Promise<TokenState> {
    if (status === 'loading') await init().catch(() => undefined);
    const state = current;
    if (!state) throw notSignedIn();
    return expiresSoon(state) ? refreshAccessToken(state.accessToken) : state;
  }

  async function authorizedFetch(input: string | URL, init: AuthRequestInit = {}): Promise<Response> {
    const url = new URL(input, base);
    if (!trustedOrigins.has(url.origin)) {
      throw new AuthClientError('untrusted_origin', `Refusing to send the access token to ${url.origin}; add it to trustedOrigins.`);
    }
    const first = await usableToken();
    const response = await send(url.href, withBearer(init, first.accessToken));
    if (response.status !== 401) return response;
    await discard(response);
    const renewed = await refreshAccessToken(first.accessToken);
    // Retried once; whatever the second answer is goes back to the caller.
    return send(url.href, withBearer(init, renewed.accessToken));
  }

  /** A bearer call to edge-auth itself; the refresh cookie stays home. */
  async function callService(path: string, method: string): Promise<Response> {
    return authorizedFetch(endpoint(path), { method, credentials: 'omit' });
  }

  function init(): Promise<AuthSession | null> {
    initializing ??= refreshAccessToken(undefined).then(
      (state) => state.session,
      (error: unknown) => {
        // A login or another tab may have signed this one in meanwhile.
        if (current) return current.session;
        endLocally(false);
        if (error instanceof AuthClientError && (error.code === 'session_expired' || error.code === 'not_signed_in')) return null;
        initializing = null;
        throw error;
      },
    );
    return initializing;
  }

  const account = createAccountMethods({
    postJson,
    postJsonWithBearer: (path, body) =>
      authorizedFetch(endpoint(path), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' }),
    refreshIfSignedIn: async () => {
      if (current) await refreshAccessToken(current.accessToken);
    },
    endSession: async () => {
      await refreshTokens.forget();
      endLocally(true);
    },
  });

  const factorTransport: PasskeyTransport = {
    postJson,
    withBearer: (path, method, body) =>
      authorizedFetch(
        endpoint(path),
        body === undefined
          ? { method, credentials: 'omit' }
          : { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' },
      ),
    adoptTokenResponse: async (response, sentAt) => {
      const { state, refreshToken } = await readTokenResponse(response, sentAt);
      await refreshTokens.save(refreshToken);
      accept(state, true);
    },
    now,
    tokenDelivery: delivery,
  };
  const passkeys = createPasskeyMethods(factorTransport);
  const totp = createTotpMethods(factorTransport);

  const providers = createProviderMethods({
    endpoint,
    get: (path) => send(endpoint(path), { method: 'GET', credentials: 'omit' }),
    withBearer: factorTransport.withBearer,
  });

  return {
    ...account,
    ...passkeys,
    ...providers,
    ...totp,
    init,
    async register(email, password) {
      const response = await postJson('/auth/register', { email, password });
      if (response.status !== 201) throw await errorFromResponse(response);
      return readRegisteredUser(response);
    },
    async login(email, password) {
      const sentAt = now();
      const response = await postJson('/auth/login', { email, password, token_delivery: delivery });
      if (!response.ok) throw await errorFromResponse(response);
      const { state, refreshToken } = await readTokenResponse(response, sentAt);
      await refreshTokens.save(refreshToken);
      accept(state, true);
      return state.session;
    },
    async logout() {
      const bearer = current?.accessToken;
      const body = await refreshTokens.requestBody();
      const headers: Record<string, string> = {};
      if (bearer !== undefined) headers.Authorization = `Bearer ${bearer}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      // A failure leaves everything as it is: pretending to be signed out would hide a live session.
      const response = await send(endpoint('/auth/logout'), { method: 'POST', headers, body, credentials: refreshTokens.credentials });
      if (!response.ok) throw await errorFromResponse(response);
      await refreshTokens.forget();
      endLocally(true);
    },
    async logoutAll() {
      const response = await callService('/auth/logout-all', 'POST');
      if (response.status !== 204) throw await errorFromResponse(response);
      await refreshTokens.forget();
      endLocally(true);
    },
    getSession: () => current?.session ?? null,
    getStatus: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fetch: authorizedFetch,
    getAccessToken: async () => (await usableToken()).accessToken,
    async listSessions() {
      const response = await callService('/auth/sessions', 'GET');
      if (response.status !== 200) throw await errorFromResponse(response);
      return readSessionList(response);
    },
    async revokeSession(sessionId) {
      const wasCurrent = current?.session.sessionId === sessionId;
      const response = await callService(`/auth/sessions/${encodeURIComponent(sessionId)}`, 'DELETE');
      if (response.status !== 204) throw await errorFromResponse(response);
      if (wasCurrent) {
        await refreshTokens.forget();
        endLocally(true);
      }
    },
    close() {
      link.close();
      listeners.clear();
    },
  };
}

function withBearer(init: AuthRequestInit, accessToken: string): AuthRequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${accessToken}`);
  return { ...init, headers };
}

function sessionExpired(): AuthClientError {
  return new AuthClientError('session_expired', 'The session has ended. Sign in again.');
}

function notSignedIn(): AuthClientError {
  return new AuthClientError('not_signed_in', 'Nobody is signed in.');
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // nothing to free
  }
}
