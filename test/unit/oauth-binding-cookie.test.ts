// Reading the provider sign-in binding cookie: exactly one value counts, several different ones count as none.
import { describe, expect, it } from 'vitest';
import { OAUTH_BINDING_COOKIE_NAME, readOAuthBindingCookie } from '../../src/providers/binding-cookie';

const NAME = OAUTH_BINDING_COOKIE_NAME;

describe('readOAuthBindingCookie', () => {
  it('reads the one binding cookie among others', () => {
    expect(readOAuthBindingCookie(`theme=dark; ${NAME}=abc; other=1`)).toBe('abc');
  });

  it('answers null for two different binding cookies, whichever comes first', () => {
    expect(readOAuthBindingCookie(`${NAME}=genuine; ${NAME}=tossed`)).toBeNull();
    expect(readOAuthBindingCookie(`${NAME}=tossed; ${NAME}=genuine`)).toBeNull();
  });

  it('treats the same value sent twice as one', () => {
    expect(readOAuthBindingCookie(`${NAME}=same; ${NAME}=same`)).toBe('same');
  });

  it('answers null without a header, without the cookie, or with an empty value', () => {
    expect(readOAuthBindingCookie(null)).toBeNull();
    expect(readOAuthBindingCookie('theme=dark')).toBeNull();
    expect(readOAuthBindingCookie(`${NAME}=`)).toBeNull();
    expect(readOAuthBindingCookie(`x${NAME}=abc`)).toBeNull();
  });
});
