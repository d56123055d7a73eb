// GitHub and Google answers mapped to a profile: which id, which address, and whether it counts as verified. No network.
import { describe, expect, it } from 'vitest';
import { githubProfile } from '../../src/providers/github';
import { profileFromIdTokenClaims, ProviderResponseError } from '../../src/providers/profile';

// GET https://api.github.com/user, as GitHub answers it (abridged to the usual fields).
const githubUser = {
  login: 'octocat',
  id: 583231,
  node_id: 'MDQ6VXNlcjU4MzIzMQ==',
  avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
  type: 'User',
  site_admin: false,
  name: 'The Octocat',
  company: '@github',
  email: 'octocat@github.example',
  created_at: '2011-01-25T18:44:36Z',
};

// GET https://api.github.com/user/emails (scope user:email).
const githubEmails = [
  { email: 'old-work@corp.example', primary: false, verified: true, visibility: null },
  { email: 'octocat@users.noreply.github.com', primary: false, verified: true, visibility: null },
  { email: 'octocat@mail.example', primary: true, verified: true, visibility: 'public' },
];

// The payload of a Google ID token (after its signature, iss, aud, exp and nonce were checked).
const googleClaims = {
  iss: 'https://accounts.google.com',
  azp: '1234987819200.apps.googleusercontent.com',
  aud: '1234987819200.apps.googleusercontent.com',
  sub: '110169484474386276334',
  email: 'someone@gmail.example',
  email_verified: true,
  at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
  nonce: '0394852-3190485-2490358',
  name: 'Some One',
  given_name: 'Some',
  family_name: 'One',
  locale: 'en',
  iat: 1353601026,
  exp: 1353604926,
};

describe('GitHub profile', () => {
  it('takes the numeric user id as subject and the primary address with its verified flag', () => {
    expect(githubProfile(githubUser, githubEmails)).toEqual({ subject: '583231', email: 'octocat@mail.example', emailVerified: true });
  });

  it('reports an unverified primary address as unverified', () => {
    const emails = [{ email: 'new@mail.example', primary: true, verified: false, visibility: 'private' }, ...githubEmails.slice(0, 2)];
    expect(githubProfile(githubUser, emails)).toEqual({ subject: '583231', email: 'new@mail.example', emailVerified: false });
  });

  it('never trusts the public profile address as verified when /user/emails names no primary', () => {
    expect(githubProfile(githubUser, [])).toEqual({ subject: '583231', email: 'octocat@github.example', emailVerified: false });
    expect(githubProfile({ ...githubUser, email: null }, [])).toEqual({ subject: '583231', email: null, emailVerified: false });
  });

  it('ignores malformed address entries', () => {
    const emails = [{ email: 'x@mail.example', primary: 'yes', verified: true }, ...githubEmails];
    expect(githubProfile(githubUser, emails).email).toBe('octocat@mail.example');
  });

  it('refuses a user without a numeric id (the login can be renamed and reused)', () => {
    expect(() => githubProfile({ login: 'octocat' }, githubEmails)).toThrow(ProviderResponseError);
    expect(() => githubProfile({ ...githubUser, id: '583231' }, githubEmails)).toThrow(ProviderResponseError);
  });
});

describe('Google (and any OpenID Connect) profile', () => {
  it('takes sub as subject and the address with email_verified', () => {
    expect(profileFromIdTokenClaims(googleClaims)).toEqual({ subject: '110169484474386276334', email: 'someone@gmail.example', emailVerified: true });
  });

  it('counts only a JSON true as verified', () => {
    expect(profileFromIdTokenClaims({ ...googleClaims, email_verified: false }).emailVerified).toBe(false);
    expect(profileFromIdTokenClaims({ ...googleClaims, email_verified: 'true' }).emailVerified).toBe(false);
    expect(profileFromIdTokenClaims({ sub: googleClaims.sub, email: googleClaims.email }).emailVerified).toBe(false);
  });

  it('has no address when the token carries none', () => {
    expect(profileFromIdTokenClaims({ sub: 'abc', email_verified: true })).toEqual({ subject: 'abc', email: null, emailVerified: false });
  });
});

describe('authorization URLs of the built-in providers', () => {
  const flow = { state: 's'.repeat(43), codeVerifier: 'v'.repeat(43), nonce: 'n'.repeat(43) };
  const redirectUri = 'https://auth.example.test/auth/oauth/github/callback';

  it('sends GitHub state, PKCE S256 and the scopes for the id and the verified addresses', async () => {
    const { githubProviderClient } = await import('../../src/providers/github');
    const url = await githubProviderClient({ id: 'github', kind: 'github', clientId: 'gh-id', clientSecret: 'x' }, redirectUri).authorizationUrl(flow);
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'gh-id', state: flow.state, code_challenge_method: 'S256', redirect_uri: redirectUri, scope: 'read:user user:email' });
    // S256 of the verifier (RFC 7636 appendix B computation), not the verifier itself.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(flow.codeVerifier)));
    const challenge = btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(url.searchParams.get('code_challenge')).toBe(challenge);
  });

  it('sends Google state, PKCE S256, a nonce and openid email profile', async () => {
    const { googleProviderClient } = await import('../../src/providers/google');
    const url = await googleProviderClient({ id: 'google', kind: 'google', clientId: 'g-id', clientSecret: 'x' }, redirectUri, 0).authorizationUrl(flow);
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'g-id', state: flow.state, nonce: flow.nonce, code_challenge_method: 'S256', scope: 'openid email profile' });
  });
});
