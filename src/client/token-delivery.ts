// The two ways a refresh token travels: an HttpOnly cookie the SDK never sees, or the body with a store.

import type { RefreshTokenStore, RequestCredentialsMode, TokenDelivery } from './types';

/** How the SDK sends and keeps the refresh token for one delivery mode. */
export interface RefreshTokenChannel {
  delivery: TokenDelivery;
  credentials: RequestCredentialsMode;
  /** JSON body for refresh/logout, or `undefined` when the cookie carries the token (or there is none). */
  requestBody(): Promise<string | undefined>;
  /** False when a body client has no token, so refreshing is pointless. */
  hasToken(): Promise<boolean>;
  /** Keeps the successor from a login or refresh answer. */
  save(refreshToken: string | undefined): Promise<void>;
  forget(): Promise<void>;
}

/**
 * A store that keeps the refresh token in memory only (the default for body
 * delivery). Pass your own store to survive restarts.
 *
 * @example
 * const store = createMemoryRefreshTokenStore();
 * const auth = createAuthClient({ baseUrl, tokenDelivery: 'body', refreshTokenStore: store });
 */
export function createMemoryRefreshTokenStore(initial: string | null = null): RefreshTokenStore {
  let token = initial;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

/** Picks the channel for a delivery mode. */
export function createRefreshTokenChannel(delivery: TokenDelivery, store: RefreshTokenStore | undefined): RefreshTokenChannel {
  if (delivery === 'cookie') {
    // The browser holds the cookie; script never reads or writes it.
    return {
      delivery,
      credentials: 'include',
      requestBody: async () => undefined,
      hasToken: async () => true,
      save: async () => undefined,
      forget: async () => undefined,
    };
  }
  const tokenStore = store ?? createMemoryRefreshTokenStore();
  const read = async () => (await tokenStore.get()) || null;
  return {
    delivery,
    credentials: 'omit',
    requestBody: async () => {
      const token = await read();
      return token === null ? undefined : JSON.stringify({ refresh_token: token });
    },
    hasToken: async () => (await read()) !== null,
    save: async (refreshToken) => {
      if (refreshToken !== undefined) await tokenStore.set(refreshToken);
    },
    forget: async () => {
      await tokenStore.set(null);
    },
  };
}
