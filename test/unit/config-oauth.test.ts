// OAUTH_PROVIDERS is parsed strictly into typed providers; anything malformed names the variable.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

function providersOf(value: unknown) {
  return parseConfig({ ...base, OAUTH_PROVIDERS: value }).oauthProviders;
}

function problemWith(value: unknown): string {
  try {
    providersOf(value);
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.variable).toBe('OAUTH_PROVIDERS');
      return error.message;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('OAUTH_PROVIDERS', () => {
  it('means no providers when unset or empty', () => {
    expect(parseConfig(base).oauthProviders.size).toBe(0);
    expect(providersOf('').size).toBe(0);
  });

  it('reads GitHub and Google by name and any other entry as an OpenID Connect provider with openid added to its scopes', () => {
    const providers = providersOf(
      JSON.stringify({
        github: { client_id: 'gh-id', client_secret: 'gh-secret' },
        google: { client_id: 'g-id', client_secret: 'g-secret' },
        corp: { issuer: 'https://login.corp.example', client_id: 'c-id', client_secret: 'c-secret', scopes: ['email'] },
        local: { issuer: 'http://127.0.0.1:9400', client_id: 'l-id', client_secret: 'l-secret' },
      }),
    );
    expect([...providers.values()]).toEqual([
      { id: 'github', kind: 'github', clientId: 'gh-id', clientSecret: 'gh-secret' },
      { id: 'google', kind: 'google', clientId: 'g-id', clientSecret: 'g-secret' },
      { id: 'corp', kind: 'oidc', issuer: 'https://login.corp.example', clientId: 'c-id', clientSecret: 'c-secret', scopes: ['openid', 'email'] },
      { id: 'local', kind: 'oidc', issuer: 'http://127.0.0.1:9400', clientId: 'l-id', clientSecret: 'l-secret', scopes: ['openid', 'email', 'profile'] },
    ]);
  });

  it.each([
    ['bad JSON', '{"github":', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['an unknown key (a typo is never ignored)', JSON.stringify({ github: { client_id: 'a', client_secret: 'b', clientsecret: 'c' } }), /unknown key "clientsecret"/],
    ['an issuer on GitHub', JSON.stringify({ github: { client_id: 'a', client_secret: 'b', issuer: 'https://x.example' } }), /unknown key "issuer"/],
    ['a missing client_secret', JSON.stringify({ google: { client_id: 'a' } }), /"client_secret"/],
    ['a generic provider without issuer', JSON.stringify({ corp: { client_id: 'a', client_secret: 'b' } }), /"issuer"/],
    ['an http issuer off loopback', JSON.stringify({ corp: { issuer: 'http://login.corp.example', client_id: 'a', client_secret: 'b' } }), /https/],
    ['an issuer with a query', JSON.stringify({ corp: { issuer: 'https://login.corp.example/?x=1', client_id: 'a', client_secret: 'b' } }), /without query/],
    ['scopes that are not names', JSON.stringify({ corp: { issuer: 'https://l.example', client_id: 'a', client_secret: 'b', scopes: 'email' } }), /scopes/],
    ['a provider id unfit for a path', JSON.stringify({ 'Corp/1': { issuer: 'https://l.example', client_id: 'a', client_secret: 'b' } }), /provider id/],
    ['an entry that is not an object', JSON.stringify({ github: 'yes' }), /must be an object/],
  ])('refuses %s, naming OAUTH_PROVIDERS', (_label, value, problem) => {
    expect(problemWith(value)).toMatch(problem);
  });

  it('never echoes a client secret in its error', () => {
    expect(problemWith(JSON.stringify({ github: { client_id: 'a', client_secret: 'super-secret-value', extra: 1 } }))).not.toContain('super-secret-value');
  });
});
