// Mutants for hardening: see scripts/lib/mutants.mjs for the shape and the rules.

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  // --- Security notices ---
  {
    id: 'notice-skipped-password-change',
    file: 'src/password/change.ts',
    original: "  queueSecurityNotice(context.notices, user.id, 'password_changed');\n",
    replacement: '',
    description: 'a password change commits without telling the owner of the address',
    tests: ['test/security/security-notices.test.ts'],
  },
  {
    id: 'notice-skipped-passkey-removal',
    file: 'src/passkeys/management.ts',
    original: "  queueSecurityNotice(context.notices, userId, 'passkey_removed');\n",
    replacement: '',
    description: 'a passkey is removed without a notice',
    tests: ['test/security/security-notices.test.ts'],
  },
  {
    id: 'notice-provider-link-wrong-case',
    file: 'src/providers/sign-in.ts',
    original: "if (linked === 'now') queueSecurityNotice(",
    replacement: "if (linked === 'new_account') queueSecurityNotice(",
    description: 'a provider linked to an existing account at its first sign-in is not told of (a brand-new account is, needlessly)',
    tests: ['test/security/security-notices.test.ts'],
  },
  {
    id: 'notice-to-unverified-address',
    file: 'src/account/security-notice.ts',
    original: 'if (!user?.emailVerified) return;',
    replacement: 'if (!user) return;',
    description: 'notices go to an address nobody has proved, so a squatter of an address learns of the account',
    tests: ['test/security/security-notices.test.ts'],
  },
  {
    id: 'mail-console-template-missing',
    file: 'src/mail/transports.ts',
    original: "event: 'mail_console', template: templateOf(message), ",
    replacement: "event: 'mail_console', ",
    description: 'mail_console lines no longer say which template they are',
    tests: ['test/integration/mail-delivery.test.ts'],
  },
  // --- Addresses are RFC 5321 mailboxes ---
  {
    id: 'email-local-part-allows-angle-brackets',
    file: 'src/core/email.ts',
    original: "const LOCAL_ATOM = '[^\\\\s<>()",
    replacement: "const LOCAL_ATOM = '[^\\\\s()",
    description: 'a local part may hold < and >, so x<victim@a.b>-style addresses pass',
    tests: ['test/unit/email-syntax.test.ts', 'test/security/email-syntax.test.ts'],
  },
  {
    id: 'email-local-part-allows-double-dot',
    file: 'src/core/email.ts',
    original: '`^${LOCAL_ATOM}(?:\\\\.${LOCAL_ATOM})*$`',
    replacement: '`^${LOCAL_ATOM}(?:\\\\.+${LOCAL_ATOM})*$`',
    description: 'a local part may hold a double dot',
    tests: ['test/unit/email-syntax.test.ts', 'test/security/email-syntax.test.ts'],
  },
  {
    id: 'email-domain-without-dot',
    file: 'src/core/email.ts',
    original: '`^${DOMAIN_LABEL}(?:\\\\.${DOMAIN_LABEL})+$`',
    replacement: '`^${DOMAIN_LABEL}(?:\\\\.${DOMAIN_LABEL})*$`',
    description: 'a domain of one label (a@localhost) is accepted',
    tests: ['test/unit/email-syntax.test.ts', 'test/security/email-syntax.test.ts'],
  },
  // --- PUBLIC_ORIGIN ---
  {
    id: 'links-from-host-despite-public-origin',
    file: 'src/account/routes.ts',
    original: 'origin: publicOriginFor(c.var.config, c.req.raw), nowSeconds: c.var.nowSeconds };',
    replacement: 'origin: new URL(c.req.url).origin, nowSeconds: c.var.nowSeconds };',
    description: 'mailed links take their origin from the request (its Host) even when PUBLIC_ORIGIN is set',
    tests: ['test/integration/public-origin.test.ts'],
  },
  {
    id: 'public-origin-unset-trusts-host',
    file: 'src/core/public-origin.ts',
    original: "  throw new ConfigError('PUBLIC_ORIGIN', 'is empty;",
    replacement: "  return new URL(request.url).origin;\n  throw new ConfigError('PUBLIC_ORIGIN', 'is empty;",
    description: 'a deployed worker without PUBLIC_ORIGIN takes its origin from the Host header',
    tests: ['test/integration/public-origin.test.ts', 'test/unit/config-public-origin.test.ts'],
  },
  // --- Recovery codes ---
  {
    id: 'recovery-code-hashed-unkeyed',
    file: 'src/totp/mfa-secrets.ts',
    original: "if (code.replace(/-/g, '').length === LEGACY_RECOVERY_CODE_LETTERS) return labelledSha256(",
    replacement: 'if (code.length > 0) return labelledSha256(',
    description: 'recovery codes are stored as plain SHA-256, so a database dump alone can test guesses',
    tests: ['test/security/recovery-codes.test.ts'],
  },
  {
    id: 'recovery-code-64-bits',
    file: 'src/totp/mfa-secrets.ts',
    original: 'const RECOVERY_CODE_BYTES = 10;',
    replacement: 'const RECOVERY_CODE_BYTES = 8;',
    description: 'recovery codes carry 64 random bits instead of 80',
    tests: ['test/security/recovery-codes.test.ts'],
  },
  // --- Webhook mail ---
  {
    id: 'webhook-signature-without-timestamp',
    file: 'src/mail/transports.ts',
    original: 'utf8(`${messageId}.${timestampSeconds}.${body}`)',
    replacement: 'utf8(body)',
    description: 'the webhook signature covers the body alone, so a captured request can be replayed',
    tests: ['test/integration/mail-delivery.test.ts'],
  },
  // --- Lookups ---
  {
    id: 'stale-directory-entry-followed',
    file: 'src/storage/users.ts',
    original: 'if (owner?.email === email) return owner;',
    replacement: 'if (owner) return owner;',
    description: 'login follows a directory entry to a user who no longer has the address',
    tests: ['test/security/stale-lookups.test.ts'],
  },
  {
    id: 'mfa-token-unknown-shard-invalid-token',
    file: 'src/totp/mfa-login.ts',
    original: "  if (userDb === null) throw invalidMfaToken('names no shard of this deployment');\n",
    replacement: '',
    description: 'an mfa_token naming no shard is not answered invalid_mfa_token (it reaches storage with no database)',
    tests: ['test/security/stale-lookups.test.ts'],
  },
  // --- Per-IP limit ---
  {
    id: 'mapped-ipv6-not-unwrapped',
    file: 'src/http/ip-rate-limit.ts',
    original: "groups[5] === 'ffff'",
    replacement: "groups[5] === 'FFFF'",
    description: 'an IPv4-mapped IPv6 client (::ffff:1.2.3.4) gets a bucket of its own besides its IPv4 one',
    tests: ['test/security/ip-rate-limit.test.ts'],
  },
  {
    id: 'register-in-auth-bucket',
    file: 'src/password/routes.ts',
    original: "    limitPerIp('mail'),\n    async (c) => {\n      const input = parseWithSchema(registerBody",
    replacement: "    limitPerIp('auth'),\n    async (c) => {\n      const input = parseWithSchema(registerBody",
    description: 'register counts in the sign-in bucket, not the mail one',
    tests: ['test/security/ip-rate-limit.test.ts'],
  },
];
