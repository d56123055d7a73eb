// Every variable is validated on first read; a bad value names the variable.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { configError } from '../helpers/config';
import { createTestClient } from '../helpers/client';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

describe('configuration', () => {
  it('uses the contract defaults when only the signing keys are set', () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      issuer: undefined,
      audience: 'edge-auth',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      refreshReuseGraceSeconds: 10,
      cookieSameSite: 'Strict',
      loginMaxFailures: 5,
      loginLockoutSeconds: 900,
      ipRateLimitPerMinute: 60,
      revocationCacheSeconds: 10,
    });
    expect(config.allowedOrigins.size).toBe(0);
  });

  it.each([
    ['ACCESS_TOKEN_TTL_SECONDS', '15m'],
    ['ACCESS_TOKEN_TTL_SECONDS', '-5'],
    ['REFRESH_TOKEN_TTL_SECONDS', '1.5'],
    ['REFRESH_REUSE_GRACE_SECONDS', 'ten'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_LOCKOUT_SECONDS', 'forever'],
    ['IP_RATE_LIMIT_PER_MINUTE', '-1'],
    ['REVOCATION_CACHE_SECONDS', '61'],
    ['REVOCATION_CACHE_SECONDS', 'ten'],
    ['COOKIE_SAMESITE', 'Sometimes'],
    ['ALLOWED_ORIGINS', 'app.example.com'],
    ['ALLOWED_ORIGINS', 'https://app.example.com/path'],
    ['ALLOWED_ORIGINS', '*'],
    ['JWT_SIGNING_KEYS', 'not json'],
    ['JWT_SIGNING_KEYS', '{"keys":[]}'],
    ['JWT_SIGNING_KEYS', '{"keys":[{"kid":"k","alg":"HS256","kty":"oct","k":"c2VjcmV0"}]}'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain('"d"');
  });

  it('refuses a signing key without its private part', () => {
    const { keys } = JSON.parse(env.JWT_SIGNING_KEYS) as { keys: Record<string, unknown>[] };
    const publicOnly = { ...keys[0], d: undefined };
    expect(configError({ JWT_SIGNING_KEYS: JSON.stringify({ keys: [publicOnly] }) }).variable).toBe('JWT_SIGNING_KEYS');
  });

  it('refuses two keys with the same kid', () => {
    const { keys } = JSON.parse(env.JWT_SIGNING_KEYS) as { keys: Record<string, unknown>[] };
    expect(configError({ JWT_SIGNING_KEYS: JSON.stringify({ keys: [keys[0], keys[0]] }) }).message).toContain('two keys');
  });

  it('refuses a refresh lifetime shorter than the access token lifetime', () => {
    expect(configError({ ACCESS_TOKEN_TTL_SECONDS: '3600', REFRESH_TOKEN_TTL_SECONDS: '600' }).variable).toBe('REFRESH_TOKEN_TTL_SECONDS');
  });

  it('refuses SameSite=None without a cross-site origin to serve', () => {
    expect(configError({ COOKIE_SAMESITE: 'None' }).variable).toBe('COOKIE_SAMESITE');
  });

  it('refuses a misspelled variable instead of silently ignoring it', () => {
    const error = configError({ ACCESS_TOKEN_TTL_SECOND: '300' });
    expect(error.message).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });

  it('parses allowed origins into exact origins', () => {
    const config = parseConfig({ ...base, ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:5173,' });
    expect([...config.allowedOrigins]).toEqual(['https://a.example.com', 'http://localhost:5173']);
  });

  it('answers 500 server_misconfigured naming the variable, without leaking its value', async () => {
    const client = createTestClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: 'fifteen' } });
    const response = await client.fetch('/health');
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('server_misconfigured');
    expect(body.message).toContain('ACCESS_TOKEN_TTL_SECONDS');
    expect(body.message).not.toContain('fifteen');
  });
});

describe('WEBAUTHN_RP_ID and WEBAUTHN_RP_NAME', () => {
  it('default to the request host name (undefined here) and edge-auth', () => {
    expect(parseConfig(base).webauthn).toEqual({ rpId: undefined, rpName: 'edge-auth' });
  });

  it('take a host name and a display name', () => {
    expect(parseConfig({ ...base, WEBAUTHN_RP_ID: 'Example.COM', WEBAUTHN_RP_NAME: 'Example' }).webauthn).toEqual({ rpId: 'example.com', rpName: 'Example' });
    expect(parseConfig({ ...base, WEBAUTHN_RP_ID: 'localhost' }).webauthn.rpId).toBe('localhost');
  });

  it.each(['https://example.com', 'example.com:8443', 'example.com/path', '127.0.0.1', '-bad.example', 'a..b'])('refuses WEBAUTHN_RP_ID %s with an error naming it', (value) => {
    expect(configError({ WEBAUTHN_RP_ID: value }).variable).toBe('WEBAUTHN_RP_ID');
  });

  it('refuses a WEBAUTHN_RP_NAME over 64 characters', () => {
    expect(configError({ WEBAUTHN_RP_NAME: 'x'.repeat(65) }).variable).toBe('WEBAUTHN_RP_NAME');
  });
});
