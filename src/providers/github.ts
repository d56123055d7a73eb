// GitHub: OAuth 2.0 (no ID token) with PKCE S256 through arctic, then the user and their addresses from the REST API.

import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import { ProviderResponseError, type ProviderClient, type ProviderProfile } from './profile';
import type { NamedProviderConfig } from '../core/provider-config';
import { exchangeCode } from './token-exchange';

export const GITHUB_AUTHORIZATION_ENDPOINT = 'https://github.com/login/oauth/authorize';
export const GITHUB_TOKEN_ENDPOINT = 'https://github.com/login/oauth/access_token';
const GITHUB_API = 'https://api.github.com';
/** read:user for the id, user:email for the addresses with their verified flags. */
export const GITHUB_SCOPES = ['read:user', 'user:email'] as const;

/** The fields of GET /user that a sign-in reads. */
export interface GitHubUser {
  id: number;
  login?: string;
  email?: string | null;
}

/** One entry of GET /user/emails. */
export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: string | null;
}

/**
 * The profile of a GitHub account: the numeric user id (logins can be
 * renamed and reused) and the primary address with its verified flag. The
 * public profile address is never trusted as verified: only /user/emails
 * says which addresses GitHub verified.
 */
export function githubProfile(user: unknown, emails: unknown): ProviderProfile {
  const fields = (typeof user === 'object' && user !== null ? user : {}) as Record<string, unknown>;
  if (typeof fields.id !== 'number' || !Number.isSafeInteger(fields.id) || fields.id <= 0) throw new ProviderResponseError('GitHub user has no numeric id');
  const list = Array.isArray(emails) ? (emails as unknown[]) : [];
  const primary = list.find((entry): entry is GitHubEmail => isEmailEntry(entry) && entry.primary);
  if (primary) return { subject: String(fields.id), email: primary.email, emailVerified: primary.verified };
  const publicEmail = typeof fields.email === 'string' && fields.email !== '' ? fields.email : null;
  return { subject: String(fields.id), email: publicEmail, emailVerified: false };
}

function isEmailEntry(entry: unknown): entry is GitHubEmail {
  if (typeof entry !== 'object' || entry === null) return false;
  const fields = entry as Record<string, unknown>;
  return typeof fields.email === 'string' && typeof fields.primary === 'boolean' && typeof fields.verified === 'boolean';
}

async function getGitHubJson(path: string, accessToken: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${GITHUB_API}${path}`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/vnd.github+json', 'User-Agent': 'edge-auth', 'X-GitHub-Api-Version': '2022-11-28' },
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new ProviderResponseError(`GitHub ${path} unreachable`);
  }
  if (!response.ok) throw new ProviderResponseError(`GitHub ${path} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new ProviderResponseError(`GitHub ${path} is not JSON`);
  }
}

/** A client of GitHub sign-in, returning to `redirectUri`. */
export function githubProviderClient(config: NamedProviderConfig, redirectUri: string): ProviderClient {
  // arctic's generic client: its GitHub class sends no PKCE, which GitHub accepts and the contract asks for.
  const client = new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  return {
    async authorizationUrl({ state, codeVerifier }) {
      return client.createAuthorizationURLWithPKCE(GITHUB_AUTHORIZATION_ENDPOINT, state, CodeChallengeMethod.S256, codeVerifier, [...GITHUB_SCOPES]);
    },
    async fetchProfile({ code, codeVerifier }) {
      const tokens = await exchangeCode(() => client.validateAuthorizationCode(GITHUB_TOKEN_ENDPOINT, code, codeVerifier));
      let accessToken: string;
      try {
        accessToken = tokens.accessToken();
      } catch {
        throw new ProviderResponseError('GitHub token response has no access_token');
      }
      const [user, emails] = await Promise.all([getGitHubJson('/user', accessToken), getGitHubJson('/user/emails', accessToken)]);
      return githubProfile(user, emails);
    },
  };
}
