// Reading the service's answers: token responses, access-token claims, users and sessions.

import { AuthClientError } from './errors';
import type { AuthSession, RegisteredUser, SessionInfo, VerifiedUser } from './types';

/** An access token with what the SDK knows about it. Never leaves the SDK. */
export interface TokenState {
  accessToken: string;
  /** Local clock, milliseconds: when the token was obtained and when it expires. */
  obtainedAt: number;
  expiresAt: number;
  session: AuthSession;
}

/** A parsed login or refresh answer. */
export interface TokenResponse {
  state: TokenState;
  /** Present only with body delivery. */
  refreshToken: string | undefined;
}

function unexpected(what: string): AuthClientError {
  return new AuthClientError('unexpected_response', `The service sent ${what} the SDK does not understand.`);
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    if (body !== null && typeof body === 'object') return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw unexpected('a body');
}

/**
 * Builds the token state from a login/refresh answer. `sentAt` is the local
 * time the request left, so the expiry errs on the early side whatever the
 * server's clock says.
 */
export async function readTokenResponse(response: Response, sentAt: number): Promise<TokenResponse> {
  const body = await readJson(response);
  const { access_token: accessToken, expires_in: expiresIn, refresh_token: refreshToken } = body;
  if (typeof accessToken !== 'string' || typeof expiresIn !== 'number' || !(expiresIn > 0)) throw unexpected('a token response');
  if (refreshToken !== undefined && typeof refreshToken !== 'string') throw unexpected('a refresh token');
  const expiresAt = sentAt + expiresIn * 1000;
  return {
    state: { accessToken, obtainedAt: sentAt, expiresAt, session: sessionFromAccessToken(accessToken, expiresAt) },
    refreshToken,
  };
}

/** Reads the user and session named by an access token (no verification: the service checks it on every call). */
export function sessionFromAccessToken(accessToken: string, expiresAt: number): AuthSession {
  const claims = decodeClaims(accessToken);
  const { sub, sid, email, roles, email_verified: emailVerified } = claims;
  if (typeof sub !== 'string' || typeof sid !== 'string') throw unexpected('an access token');
  const roleList = Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
  return {
    user: { id: sub, email: typeof email === 'string' ? email : '', emailVerified: emailVerified === true, roles: roleList },
    sessionId: sid,
    accessTokenExpiresAt: expiresAt,
  };
}

function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw unexpected('an access token');
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (claims !== null && typeof claims === 'object') return claims as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw unexpected('an access token');
}

/** The user of a `201` register answer. */
export async function readRegisteredUser(response: Response): Promise<RegisteredUser> {
  const { user } = await readJson(response);
  const { id, email, created_at: createdAt } = (user ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof email !== 'string' || typeof createdAt !== 'string') throw unexpected('a user');
  return { id, email, createdAt };
}

/** The user of a `200` answer to POST /auth/email/verify. */
export async function readVerifiedUser(response: Response): Promise<VerifiedUser> {
  const { user } = await readJson(response);
  const { id, email } = (user ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof email !== 'string') throw unexpected('a user');
  return { id, email, emailVerified: true };
}

/** The list of a `GET /auth/sessions` answer. */
export async function readSessionList(response: Response): Promise<SessionInfo[]> {
  const { sessions } = await readJson(response);
  if (!Array.isArray(sessions)) throw unexpected('a session list');
  return sessions.map((entry: unknown) => {
    const row = (entry ?? {}) as Record<string, unknown>;
    if (typeof row.id !== 'string') throw unexpected('a session');
    return {
      id: row.id,
      createdAt: readTimestamp(row.created_at) ?? '',
      lastUsedAt: readTimestamp(row.last_used_at),
      expiresAt: readTimestamp(row.expires_at) ?? '',
      userAgent: typeof row.user_agent === 'string' ? row.user_agent : null,
      current: row.current === true,
    };
  });
}

/** An ISO 8601 string from an ISO string or epoch seconds; `null` when absent. */
function readTimestamp(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  return null;
}
