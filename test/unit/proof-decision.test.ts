// The proof decision of account-policy.ts: which proof an account accepts for a protected action, and when none is needed.
import { describe, expect, it } from 'vitest';
import { decideProof, PROVIDER_REAUTHENTICATION_SECONDS, requireActionAllowed, type ProofSession } from '../../src/core/account-policy';

const NOW = 1_800_000_000;
const withPassword = { hasPassword: true, totpEnabled: false };
const withPasswordAndTotp = { hasPassword: true, totpEnabled: true };
const passwordless = { hasPassword: false, totpEnabled: false };
const passwordlessWithTotp = { hasPassword: false, totpEnabled: true };
const providerSession = (ageSeconds: number): ProofSession => ({ authTime: NOW - ageSeconds, amr: ['fed'] });
const passwordSession: ProofSession = { authTime: NOW, amr: ['pwd'] };

describe('decideProof', () => {
  it('checks the password of an account that has one, with or without TOTP', () => {
    expect(decideProof(withPassword, 'password', passwordSession, NOW)).toBe('password');
    expect(decideProof(withPasswordAndTotp, 'password', passwordSession, NOW)).toBe('password');
  });

  it('takes nothing but the password from an account that has one: a code or a passkey is a wrong proof', () => {
    expect(decideProof(withPasswordAndTotp, 'totp_code', passwordSession, NOW)).toBe('wrong');
    expect(decideProof(withPassword, 'passkey_assertion', passwordSession, NOW)).toBe('wrong');
  });

  it('asks for a proof when none is sent, however fresh the sign-in (a recent token alone is never enough)', () => {
    expect(decideProof(withPassword, null, passwordSession, NOW)).toBe('missing');
    expect(decideProof(withPassword, null, providerSession(0), NOW)).toBe('missing');
  });

  it('counts a password sent for an account without one as a wrong proof', () => {
    expect(decideProof(passwordless, 'password', providerSession(0), NOW)).toBe('wrong');
    expect(decideProof(passwordlessWithTotp, 'password', passwordSession, NOW)).toBe('wrong');
  });

  it('checks a TOTP code of a password-less account only when TOTP is on', () => {
    expect(decideProof(passwordlessWithTotp, 'totp_code', passwordSession, NOW)).toBe('totp_code');
    expect(decideProof(passwordless, 'totp_code', passwordSession, NOW)).toBe('wrong');
  });

  it('checks a passkey assertion of a password-less account, with or without TOTP', () => {
    expect(decideProof(passwordless, 'passkey_assertion', passwordSession, NOW)).toBe('passkey_assertion');
    expect(decideProof(passwordlessWithTotp, 'passkey_assertion', passwordSession, NOW)).toBe('passkey_assertion');
  });

  it('lets a provider sign-in of the last 5 minutes stand for the proof of a password-less account, to the second', () => {
    expect(decideProof(passwordless, null, providerSession(0), NOW)).toBe('provider_sign_in');
    expect(decideProof(passwordless, null, providerSession(PROVIDER_REAUTHENTICATION_SECONDS), NOW)).toBe('provider_sign_in');
    expect(decideProof(passwordless, null, providerSession(PROVIDER_REAUTHENTICATION_SECONDS + 1), NOW)).toBe('missing');
  });

  it('does not let any other recent sign-in stand for it: a passkey, a password or no amr at all', () => {
    expect(decideProof(passwordless, null, { authTime: NOW, amr: ['hwk', 'user'] }, NOW)).toBe('missing');
    expect(decideProof(passwordless, null, { authTime: NOW, amr: [] }, NOW)).toBe('missing');
    expect(decideProof(passwordless, null, { authTime: undefined, amr: ['fed'] }, NOW)).toBe('missing');
  });
});

describe('requireActionAllowed', () => {
  it('refuses every enrolment of an unverified address with email_not_verified', () => {
    expect(() => requireActionAllowed({ emailVerified: false }, 'passkey_add')).toThrow(expect.objectContaining({ code: 'email_not_verified' }));
    expect(() => requireActionAllowed({ emailVerified: false }, 'totp_set_up')).toThrow(expect.objectContaining({ code: 'email_not_verified' }));
  });

  it('lets a verified address enrol, and an unverified one take actions that add nothing', () => {
    expect(() => requireActionAllowed({ emailVerified: true }, 'passkey_add')).not.toThrow();
    expect(() => requireActionAllowed({ emailVerified: false }, 'account_delete')).not.toThrow();
    expect(() => requireActionAllowed({ emailVerified: false }, 'passkey_remove')).not.toThrow();
  });
});
