// SIGN_IN_PAGE_TITLE and SIGN_IN_PAGE_STYLESHEET: defaults, accepted values, and a ConfigError naming each bad one.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

function variableOf(vars: Record<string, unknown>): string {
  try {
    parseConfig({ ...base, ...vars });
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('sign-in page configuration', () => {
  it('defaults to the title edge-auth and no stylesheet', () => {
    expect(parseConfig(base).signInPage).toEqual({ title: 'edge-auth', stylesheet: undefined });
  });

  it('accepts a title of 1 to 64 characters and an https stylesheet, or http on loopback', () => {
    const settings = parseConfig({ ...base, SIGN_IN_PAGE_TITLE: ' Acme ', SIGN_IN_PAGE_STYLESHEET: 'https://cdn.example.com/a.css' }).signInPage;
    expect(settings.title).toBe('Acme');
    expect(settings.stylesheet?.href).toBe('https://cdn.example.com/a.css');
    expect(parseConfig({ ...base, SIGN_IN_PAGE_TITLE: 'x'.repeat(64) }).signInPage.title).toHaveLength(64);
    expect(parseConfig({ ...base, SIGN_IN_PAGE_STYLESHEET: 'http://localhost:8787/a.css' }).signInPage.stylesheet?.origin).toBe('http://localhost:8787');
  });

  for (const [label, vars, variable] of [
    ['a 65-character title', { SIGN_IN_PAGE_TITLE: 'x'.repeat(65) }, 'SIGN_IN_PAGE_TITLE'],
    ['a title with a control character', { SIGN_IN_PAGE_TITLE: 'a\nb' }, 'SIGN_IN_PAGE_TITLE'],
    ['a title that is not a string', { SIGN_IN_PAGE_TITLE: 42 }, 'SIGN_IN_PAGE_TITLE'],
    ['an http stylesheet off loopback', { SIGN_IN_PAGE_STYLESHEET: 'http://cdn.example.com/a.css' }, 'SIGN_IN_PAGE_STYLESHEET'],
    ['a relative stylesheet', { SIGN_IN_PAGE_STYLESHEET: '/a.css' }, 'SIGN_IN_PAGE_STYLESHEET'],
    ['a javascript: stylesheet', { SIGN_IN_PAGE_STYLESHEET: 'javascript:alert(1)' }, 'SIGN_IN_PAGE_STYLESHEET'],
    ['a stylesheet with credentials', { SIGN_IN_PAGE_STYLESHEET: 'https://user:pw@cdn.example.com/a.css' }, 'SIGN_IN_PAGE_STYLESHEET'],
    ['a misspelled variable', { SIGN_IN_PAGE_TITLES: 'Acme' }, 'SIGN_IN_PAGE_TITLES'],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(variableOf(vars)).toBe(variable);
    });
  }
});
