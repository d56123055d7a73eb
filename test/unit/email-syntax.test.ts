// The one address parser: an RFC 5321 mailbox (dot-atom local part, LDH or IDN domain with a dot), at most 254 characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMAIL_MAX_LENGTH, isMailbox, normalizeEmail } from '../../src/core/email';

const REFUSED = [
  'x<victim@a.b>',
  'v@a,evil',
  '(c)v@a.b',
  'a;b@c.d',
  '"q"@a.b',
  'a..b@c.d',
  '.a@b.c',
  'a.@b.c',
  'a@localhost',
  'a b@c.d',
  'a\\b@c.d',
  'a[b]@c.d',
  'a:b@c.d',
  'a>b@c.d',
  'a@b@c.d',
  'a@-b.c',
  'a@b-.c',
  'a@b..c',
  'a@.b.c',
  'a@b.c.',
  'a@[127.0.0.1]',
  'a@b_c.d',
];

const ACCEPTED: [string, string][] = [
  ['ok@example.test', 'ok@example.test'],
  ["O'Brien+tag@Mail.Example.co.uk", "o'brien+tag@mail.example.co.uk"],
  ['first.last@example.test', 'first.last@example.test'],
  ['a!#$%&*/=?^_`{|}~-@b.cd', 'a!#$%&*/=?^_`{|}~-@b.cd'],
  ['user@b\u00FCcher.de', 'user@b\u00FCcher.de'],
  ['user@xn--bcher-kva.de', 'user@xn--bcher-kva.de'],
  ['stra\u00DFe@example.test', 'strasse@example.test'],
  ['  padded@example.test  ', 'padded@example.test'],
];

describe('normalizeEmail: only RFC 5321 mailboxes', () => {
  it.each(REFUSED)('refuses %s', (address) => {
    expect(normalizeEmail(address)).toBeNull();
  });

  it.each(ACCEPTED)('accepts %s as %s', (address, normalized) => {
    expect(normalizeEmail(address)).toBe(normalized);
  });

  it('counts the 254-character limit on the address as received, once trimmed', () => {
    const at254 = `${'x'.repeat(EMAIL_MAX_LENGTH - '@a.bc'.length)}@a.bc`;
    expect(at254).toHaveLength(254);
    expect(normalizeEmail(`  ${at254}  `)).toBe(at254);
    expect(normalizeEmail(`x${at254}`)).toBeNull();
    expect(normalizeEmail(`${'a'.repeat(250)}@b.cd`)).toBeNull();
  });

  it('keeps every address the fuzz arbitraries generate (fast-check emailAddress) a mailbox', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const normalized = normalizeEmail(address);
        if (address.length <= EMAIL_MAX_LENGTH) expect(normalized).not.toBeNull();
        if (normalized !== null) expect(isMailbox(normalized)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
