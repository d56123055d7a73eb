// Mutants for providers: see scripts/lib/mutants.mjs for the shape and the rules.

const LIFECYCLE = 'test/security/lifecycle-sign-in.test.ts';

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'provider-account-from-unverified-address',
    file: 'src/providers/identity-linking.ts',
    original: "if (!mayCreateAccountFromProvider(profile.emailVerified)) return { kind: 'email_not_verified' };",
    replacement: '',
    description: 'a provider that does not assert the address verified still makes an (unverified) account, which a later owner would inherit',
    tests: [LIFECYCLE, 'test/unit/sign-in-gates.test.ts', 'test/security/oauth-sign-in.test.ts'],
  },
  {
    id: 'passkey-sign-in-skips-email-verification',
    file: 'src/passkeys/sign-in.ts',
    original: "requireSignInAllowed(user, 'passkey', context.requireEmailVerification);",
    replacement: '',
    description: 'REQUIRE_EMAIL_VERIFICATION is checked for passwords only: a passkey signs an unverified account in',
    tests: [LIFECYCLE],
  },
  {
    id: 'provider-sign-in-skips-email-verification',
    file: 'src/providers/sign-in.ts',
    original: "requireSignInAllowed(account.user, 'provider', context.config.account.requireEmailVerification);",
    replacement: '',
    description: 'REQUIRE_EMAIL_VERIFICATION is not checked at the provider callback: a linked identity signs an unverified account in',
    tests: [LIFECYCLE],
  },
  {
    id: 'second-step-skips-email-verification',
    file: 'src/totp/mfa-login.ts',
    original: "requireSignInAllowed(user, 'second_step', context.requireEmailVerification);",
    replacement: '',
    description: 'REQUIRE_EMAIL_VERIFICATION is not checked at POST /auth/login/mfa: a token earned before the setting applied still opens a session',
    tests: [LIFECYCLE],
  },
  {
    id: 'provider-sign-in-skips-second-step',
    file: 'src/providers/sign-in.ts',
    original: "if (needsSecondStep(account.user, 'provider')) {",
    replacement: "if (needsSecondStep(account.user, 'passkey')) {",
    description: 'a provider sign-in is treated like a passkey: an account with TOTP on is signed in by its provider alone',
    tests: [LIFECYCLE],
  },
  {
    id: 'provider-identity-linked-before-second-step',
    file: 'src/providers/identity-linking.ts',
    original: "      return { kind: 'link', user: existing, identity };",
    replacement: "      await (await import('../storage/identities')).linkIdentity(env, identity, client);\n      return { kind: 'link', user: existing, identity };",
    description: 'the automatic link is written when the callback resolves the account, before the second step, so an abandoned or failed step still leaves the provider account linked',
    tests: [LIFECYCLE],
  },
  {
    id: 'second-step-drops-pending-link',
    file: 'src/totp/mfa-login.ts',
    original: 'const link = pendingIdentity(user.id, origin, context.nowSeconds);',
    replacement: 'const link = null as NewIdentity | null;',
    description: 'the link an mfa_token carries is never written when the step succeeds',
    tests: [LIFECYCLE],
  },
  {
    id: 'provider-second-step-amr-says-password',
    file: 'src/totp/mfa-login.ts',
    original: "secondStepAmr(origin.provider === null ? 'pwd' : 'fed', input.kind)",
    replacement: "secondStepAmr('pwd', input.kind)",
    description: 'a provider sign-in completed at the second step claims a password in its amr',
    tests: [LIFECYCLE],
  },
];
