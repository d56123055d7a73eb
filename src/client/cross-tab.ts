// Coordination between tabs of one origin: a refresh lock (Web Locks) and news (BroadcastChannel).

import type { CrossTabChannel, CrossTabLocks, CrossTabOptions } from './types';

/** What one tab tells the others. */
export type CrossTabMessage =
  /** A fresh access token (after a login or a refresh): the others adopt it instead of refreshing. */
  | { type: 'session'; accessToken: string; obtainedAt: number; expiresAt: number }
  /** This session ended (logout, revoked, refresh refused): the others sign out too. */
  | { type: 'signed-out'; sessionId: string };

/** The SDK's end of the coordination. Every part degrades to a no-op when the platform lacks it. */
export interface CrossTabLink {
  broadcast(message: CrossTabMessage): void;
  /** Runs `task` while holding the origin-wide refresh lock, so tabs never race one refresh token. */
  withRefreshLock<T>(task: () => Promise<T>): Promise<T>;
  close(): void;
}

interface PlatformGlobals {
  BroadcastChannel?: new (name: string) => CrossTabChannel;
  navigator?: { locks?: CrossTabLocks };
}

/**
 * Opens the channel and finds the lock manager. `name` scopes both to one
 * edge-auth service, so two services on one page never mix their tokens.
 */
export function openCrossTabLink(name: string, options: CrossTabOptions | false, onMessage: (message: CrossTabMessage) => void): CrossTabLink {
  // Through unknown: without the DOM lib, globalThis's type shares nothing with PlatformGlobals.
  const platform = globalThis as unknown as PlatformGlobals;
  const settings = options === false ? { channel: null, locks: null } : options;
  const channel = settings.channel !== undefined ? settings.channel : platform.BroadcastChannel ? new platform.BroadcastChannel(name) : null;
  const locks = settings.locks !== undefined ? settings.locks : (platform.navigator?.locks ?? null);
  let closed = false;
  channel?.addEventListener('message', (event) => {
    const message = parseCrossTabMessage(event.data);
    if (!closed && message) onMessage(message);
  });
  return {
    broadcast: (message) => {
      if (!closed) channel?.postMessage(message);
    },
    withRefreshLock: (task) => (locks ? locks.request(`${name}:refresh`, () => task()) : task()),
    close: () => {
      closed = true;
      channel?.close?.();
    },
  };
}

/** The message, or `null` for anything that is not one of ours. */
export function parseCrossTabMessage(data: unknown): CrossTabMessage | null {
  if (data === null || typeof data !== 'object') return null;
  const message = data as Record<string, unknown>;
  if (message.type === 'session') {
    const { accessToken, obtainedAt, expiresAt } = message;
    if (typeof accessToken !== 'string' || typeof obtainedAt !== 'number' || typeof expiresAt !== 'number') return null;
    return { type: 'session', accessToken, obtainedAt, expiresAt };
  }
  if (message.type === 'signed-out' && typeof message.sessionId === 'string') {
    return { type: 'signed-out', sessionId: message.sessionId };
  }
  return null;
}
