// Mutants for recovery: see scripts/lib/mutants.mjs for the shape and the rules.

const LIFECYCLE = 'test/security/lifecycle-recovery.test.ts';

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'recovery-reset-wipe-skipped',
    file: 'src/account/password-reset.ts',
    original: "const resetsAccount = provingAddressResetsAccount(link.record.userEmailVerified, 'password_reset');",
    replacement: 'const resetsAccount = false;',
    description: 'a reset that proves an unverified address keeps every passkey, identity and TOTP factor the pre-registering attacker planted',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-reset-wipe-verified-too',
    file: 'src/account/password-reset.ts',
    original: "provingAddressResetsAccount(link.record.userEmailVerified, 'password_reset')",
    replacement: "provingAddressResetsAccount(false, 'password_reset')",
    description: "every reset wipes the account, so a verified owner who forgot the password loses their own passkeys and TOTP",
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-policy-resets-verified',
    file: 'src/core/account-policy.ts',
    original: "return !wasVerified && (how === 'password_reset' || how === 'email_sign_in');",
    replacement: "return how === 'password_reset' || how === 'email_sign_in';",
    description: 'the policy says proving an already verified address resets the account too (legit factors deleted)',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-ways-in-forgets-passkeys',
    file: 'src/passkeys/index.ts',
    original: '  waysIn: { remove: deleteUserPasskeysStatements },\n',
    replacement: '',
    description: "the list of ways in forgets passkeys: the attacker's passkey still signs in after the owner's reset",
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-ways-in-forgets-identities',
    file: 'src/providers/index.ts',
    original: '    remove: (db, userId) => [deleteUserIdentitiesStatement(db, userId)],',
    replacement: '    remove: () => [],',
    description: "the list of ways in forgets linked identities: the attacker's provider account still signs in after the owner's reset",
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-ways-in-forgets-totp',
    file: 'src/totp/index.ts',
    original: '  waysIn: { remove: deleteTotpStatements },\n',
    replacement: '',
    description: "the list of ways in forgets TOTP: the attacker's factor still stands in front of the owner after the reset",
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-reset-keeps-identity-directory',
    file: 'src/account/password-reset.ts',
    original: 'if (removal) await removal.release(context.env, extraResults.slice(0, removal.statements.length));',
    replacement: '',
    description: "the reset removes the identities but not their directory entries, which keep routing those provider accounts to the user",
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-reset-mail-silent',
    file: 'src/account/email-links.ts',
    original: 'resetsAccount: request.resetsAccount?.(extraResults) ?? false,',
    replacement: 'resetsAccount: false,',
    description: 'the reset mail to an unverified address does not tell the owner that the reset removes every way in added before',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-password-change-keeps-mfa-tokens',
    file: 'src/sessions/revoke.ts',
    original: "const pendingSecondSteps = 'userId' in target ? endPendingSecondStepsStatements(db, target.userId) : [];",
    replacement: "const pendingSecondSteps = 'userId' in target && !target.exceptSessionId ? endPendingSecondStepsStatements(db, target.userId) : [];",
    description: 'only a revocation of every session ends pending second steps: a password change (which keeps the caller) leaves mfa_tokens alive',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-revocation-keeps-mfa-tokens',
    file: 'src/sessions/revoke.ts',
    original: "const pendingSecondSteps = 'userId' in target ? endPendingSecondStepsStatements(db, target.userId) : [];",
    replacement: 'const pendingSecondSteps: D1PreparedStatement[] = [];',
    description: 'logout-all, a password change or reset leave pending mfa_tokens usable',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-totp-disable-keeps-mfa-tokens',
    file: 'src/totp/totp-factor-rows.ts',
    original: '    ...endPendingSecondStepsStatements(db, userId),\n',
    replacement: '',
    description: 'TOTP disable leaves pending mfa_tokens, which work again once TOTP is back on',
    tests: [LIFECYCLE],
  },
  {
    id: 'recovery-deletion-deletes-mail-counters',
    file: 'src/account/deletion-rows.ts',
    original: 'const waysIn = removeWaysIn(capabilities, db, userId);',
    replacement:
      "const mailLimitKey = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`mail-limit:${keys.email}`)))].map((byte) => byte.toString(16).padStart(2, '0')).join('');\n  const waysIn = removeWaysIn(capabilities, db, userId);\n  waysIn.statements.push(db.prepare('DELETE FROM mail_limits WHERE address_hash = ?1').bind(mailLimitKey));",
    description: "account deletion deletes the address's mail counters again, so register/delete cycles mail one address past its limit",
    tests: [LIFECYCLE, 'test/integration/account-deletion.test.ts'],
  },
];
