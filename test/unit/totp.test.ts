// RFC 6238 codes on an injected clock: the RFC's SHA-1 test vectors, one step of skew, base32 and the otpauth URI.
import { describe, expect, it } from 'vitest';
import { bytesToBase32, findMatchingTotpStep, totpCodeForStep, totpStepAt, totpUri } from '../../src/totp/totp';

// The RFC 6238 appendix B SHA-1 seed: ASCII "12345678901234567890".
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');

describe('TOTP codes (RFC 6238, SHA-1, 6 digits, 30 s)', () => {
  it.each([
    [59, '287082'],
    [1_111_111_109, '081804'],
    [1_111_111_111, '050471'],
    [1_234_567_890, '005924'],
    [2_000_000_000, '279037'],
    [20_000_000_000, '353130'],
  ])('gives the RFC test vector at %i seconds (its last 6 digits)', (seconds, code) => {
    expect(totpCodeForStep(RFC_SECRET, totpStepAt(seconds))).toBe(code);
  });

  it('accepts the code of the step before and after now, and names the step that matched', () => {
    const now = 1_700_000_015;
    const step = totpStepAt(now);
    expect(findMatchingTotpStep(RFC_SECRET, totpCodeForStep(RFC_SECRET, step - 1), now)).toBe(step - 1);
    expect(findMatchingTotpStep(RFC_SECRET, totpCodeForStep(RFC_SECRET, step), now)).toBe(step);
    expect(findMatchingTotpStep(RFC_SECRET, totpCodeForStep(RFC_SECRET, step + 1), now)).toBe(step + 1);
  });

  it('refuses the code of two steps before or after now', () => {
    const now = 1_700_000_015;
    const step = totpStepAt(now);
    expect(findMatchingTotpStep(RFC_SECRET, totpCodeForStep(RFC_SECRET, step - 2), now)).toBeNull();
    expect(findMatchingTotpStep(RFC_SECRET, totpCodeForStep(RFC_SECRET, step + 2), now)).toBeNull();
  });

  it('refuses anything that is not exactly six digits', () => {
    const now = 1_700_000_015;
    const code = totpCodeForStep(RFC_SECRET, totpStepAt(now));
    for (const bad of ['', `${code}0`, code.slice(1), ` ${code}`, `${code.slice(0, 5)}a`]) {
      expect(findMatchingTotpStep(RFC_SECRET, bad, now)).toBeNull();
    }
  });

  it('writes secrets in unpadded RFC 4648 base32 and builds an otpauth URI apps can scan', () => {
    expect(bytesToBase32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
    expect(bytesToBase32(RFC_SECRET)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const uri = new URL(totpUri(RFC_SECRET, 'edge-auth', 'ann@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/edge-auth:ann@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', issuer: 'edge-auth', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
