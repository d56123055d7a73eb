// OAUTH_SERVER and OAUTH_RESOURCES parse strictly; with the server on, JWT_ISSUER and PUBLIC_ORIGIN must agree.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { configError } from '../helpers/config';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

describe('OAUTH_SERVER', () => {
  it('is on by default and leaves the capability enabled', () => {
    const config = parseConfig(base);
    expect(config.oauthServer.on).toBe(true);
    expect(config.disabledCapabilities.has('oauth-server')).toBe(false);
  });

  it('off turns the oauth-server capability off, next to anything DISABLED_CAPABILITIES names', () => {
    const config = parseConfig({ ...base, OAUTH_SERVER: 'off', DISABLED_CAPABILITIES: 'totp' });
    expect(config.oauthServer.on).toBe(false);
    expect([...config.disabledCapabilities].sort()).toEqual(['oauth-server', 'totp']);
  });

  it('refuses anything but on or off', () => {
    expect(configError({ OAUTH_SERVER: 'yes' }).variable).toBe('OAUTH_SERVER');
  });
});

describe('JWT_ISSUER and PUBLIC_ORIGIN with the server on', () => {
  it('refuses a JWT_ISSUER other than PUBLIC_ORIGIN, naming both', () => {
    const error = configError({ JWT_ISSUER: 'https://issuer.example.com', PUBLIC_ORIGIN: 'https://auth.example.com' });
    expect(error.variable).toBe('JWT_ISSUER');
    expect(error.message).toContain('PUBLIC_ORIGIN');
  });

  it('accepts them equal (a trailing slash on the issuer aside), or either unset', () => {
    expect(parseConfig({ ...base, JWT_ISSUER: 'https://auth.example.com', PUBLIC_ORIGIN: 'https://auth.example.com' }).issuer).toBe('https://auth.example.com');
    expect(parseConfig({ ...base, JWT_ISSUER: 'https://auth.example.com/', PUBLIC_ORIGIN: 'https://auth.example.com' }).issuer).toBe('https://auth.example.com/');
    expect(parseConfig({ ...base, JWT_ISSUER: 'https://issuer.example.com' }).issuer).toBe('https://issuer.example.com');
  });

  it('lets them differ when the server is off', () => {
    expect(parseConfig({ ...base, OAUTH_SERVER: 'off', JWT_ISSUER: 'https://issuer.example.com', PUBLIC_ORIGIN: 'https://auth.example.com' }).issuer).toBe('https://issuer.example.com');
  });
});

describe('OAUTH_RESOURCES', () => {
  it('means none when unset', () => {
    expect(parseConfig(base).oauthServer.resources.size).toBe(0);
  });

  it('maps each resource URL to its scopes', () => {
    const resources = parseConfig({ ...base, OAUTH_RESOURCES: JSON.stringify({ 'https://api.example.com': { scopes: ['read', 'write', 'read'] } }) }).oauthServer.resources;
    expect([...resources]).toEqual([['https://api.example.com', ['read', 'write']]]);
  });

  it.each([
    ['bad JSON', '{'],
    ['an array', '[]'],
    ['a non-URL key', JSON.stringify({ api: { scopes: [] } })],
    ['plain http off loopback', JSON.stringify({ 'http://api.example.com': { scopes: [] } })],
    ['a fragment', JSON.stringify({ 'https://api.example.com/#x': { scopes: [] } })],
    ['no scopes list', JSON.stringify({ 'https://api.example.com': {} })],
    ['an unknown key', JSON.stringify({ 'https://api.example.com': { scopes: [], audience: 'x' } })],
    ['a scope with a space', JSON.stringify({ 'https://api.example.com': { scopes: ['a b'] } })],
  ])('refuses %s', (_case, value) => {
    expect(configError({ OAUTH_RESOURCES: value }).variable).toBe('OAUTH_RESOURCES');
  });
});
