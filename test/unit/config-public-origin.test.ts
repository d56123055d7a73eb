// PUBLIC_ORIGIN: an origin (no path), https unless its host is a loopback one; unset, the request origin stands in only locally.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';
import { publicOriginFor } from '../../src/core/public-origin';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

describe('PUBLIC_ORIGIN', () => {
  it('is unset by default', () => {
    expect(parseConfig(base).publicOrigin).toBeUndefined();
  });

  it.each([
    ['https://auth.example.com', 'https://auth.example.com'],
    ['https://auth.example.com/', 'https://auth.example.com'],
    [' https://auth.example.com:8443 ', 'https://auth.example.com:8443'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
  ])('accepts %s as %s', (value, origin) => {
    expect(parseConfig({ ...base, PUBLIC_ORIGIN: value }).publicOrigin).toBe(origin);
  });

  it.each(['http://auth.example.com', 'https://auth.example.com/app', 'auth.example.com', 'ftp://auth.example.com', 'https://auth.example.com?x=1'])('refuses %s, naming the variable', (value) => {
    let caught: unknown;
    try {
      parseConfig({ ...base, PUBLIC_ORIGIN: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain('PUBLIC_ORIGIN');
  });

  it('is what publicOrigin derives from whatever host a request names; unset, only a local run uses the request origin', () => {
    const deployed = new Request('https://attacker.example.com/auth/password/forgot');
    expect(publicOriginFor({ publicOrigin: 'https://auth.example.com' }, deployed)).toBe('https://auth.example.com');
    expect(publicOriginFor({ publicOrigin: undefined }, new Request('http://127.0.0.1:8787/x'))).toBe('http://127.0.0.1:8787');
    expect(() => publicOriginFor({ publicOrigin: undefined }, deployed)).toThrow(ConfigError);
  });
});
