// Mutants for survivors: the eight bugs issue 31's hand-made sweep found untested, each now killed by
// test/security/untested-rules.test.ts and a second test at another depth. See scripts/lib/mutants.mjs for the shape.

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'reset-keeps-lockout',
    file: 'src/account/password-reset.ts',
    original: '      forgetLoginFailuresStatement(batchDb, emailHash),\n',
    replacement: '',
    description: 'a password reset leaves the running lockout in place, so the owner who proved the mailbox still cannot sign in',
    tests: ['test/security/untested-rules.test.ts'],
  },
  {
    id: 'refused-link-replaces-stored',
    file: 'src/account/email-link-rows.ts',
    original: 'FROM users u WHERE u.${column} = ?6 AND changes() > 0`,',
    replacement: 'FROM users u WHERE u.${column} = ?6`,',
    description: 'a link request refused with 429 still replaces the stored link, so the link already in the mailbox dies',
    tests: ['test/security/untested-rules.test.ts', 'test/unit/email-link-storage.test.ts'],
  },
  {
    id: 'second-factor-replay-uncounted',
    file: 'src/totp/second-factor.ts',
    original: '    await countFailedAttempt({ ...state, userDb }, context.lockout, context.nowSeconds, attempt);\n',
    replacement:
      "    if (verdict !== null) await (await import('../storage/login-attempts')).endCheckOnHomeShard(context.env, { emailHash, claim, homeShard: state.homeShard }, 'release', context.nowSeconds);\n    else await countFailedAttempt(context.env, context.lockout, context.nowSeconds, attempt);\n",
    description: 'a replayed TOTP code or used recovery code gives its claim back instead of counting towards the lockout',
    tests: ['test/security/untested-rules.test.ts', 'test/security/totp.test.ts'],
  },
  {
    id: 'concurrent-enable-doubles-codes',
    file: 'src/totp/totp-factor-rows.ts',
    original: "SELECT ?1, value FROM json_each(?2) WHERE changes() > 0')",
    replacement: "SELECT ?1, value FROM json_each(?2)')",
    description: 'the recovery codes are stored whether or not this enable won, so two concurrent enables leave twenty codes, ten of them never shown',
    tests: ['test/unit/totp-storage.test.ts', 'test/security/untested-rules.test.ts'],
  },
  {
    id: 'oauth-binding-first-cookie-wins',
    file: 'src/providers/binding-cookie.ts',
    original: 'return values.size === 1 ? (values.values().next().value ?? null) : null;',
    replacement: 'return values.size >= 1 ? (values.values().next().value ?? null) : null;',
    description: 'with several binding cookies on a provider callback the first one is used, so a tossed cookie can ride along',
    tests: ['test/unit/oauth-binding-cookie.test.ts', 'test/security/untested-rules.test.ts'],
  },
  {
    id: 'id-token-azp-presence-only',
    file: 'src/tokens/id-token.ts',
    original: 'payload.aud.length > 1 && payload.azp !== expected.clientId)',
    replacement: 'payload.aud.length > 1 && payload.azp === undefined)',
    description: 'an ID token with several audiences is accepted whatever client its azp names, as long as it has one',
    tests: ['test/security/untested-rules.test.ts'],
  },
  {
    id: 'ip-limit-scopes-shared',
    file: 'src/http/ip-rate-limit.ts',
    original: 'await limiter.limit({ key: `${scope}:${ipRateLimitKey(ip)}` });',
    replacement: 'await limiter.limit({ key: ipRateLimitKey(ip) });',
    description: 'the sign-in and the mail per-IP limits share one count, so spending one closes the other',
    tests: ['test/security/untested-rules.test.ts'],
  },
  {
    id: 'abandoned-claim-never-expires',
    file: 'src/password/login-failures.ts',
    original: 'const livePending = `CASE WHEN updated_at < ?2 - ${CLAIM_TIMEOUT_SECONDS} THEN 0 ELSE pending END`;',
    replacement: "const livePending = 'pending';",
    description: 'a claimed check that was never settled counts for ever, so enough lost claims lock an account for good',
    tests: ['test/unit/login-claim.test.ts', 'test/security/untested-rules.test.ts'],
  },
];
