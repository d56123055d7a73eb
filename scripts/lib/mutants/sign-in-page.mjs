// Mutants for the hosted sign-in page (issue 25): see scripts/lib/mutants.mjs for the shape and the rules.

const PAGE_TEST = 'test/integration/sign-in-page.test.ts';
const CSRF_LINE = "  if (!csrfTokenMatches(csrfTokenOfRequest(c.req.header('Cookie') ?? null), form.csrf_token)) return csrfRefused(c, returnTo);\n";

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'sip-password-csrf-skipped',
    file: 'src/sign-in-page/routes.ts',
    original: `${CSRF_LINE}  const email`,
    replacement: '  const email',
    description: "the password form is accepted without the CSRF token: another site's form signs the browser in",
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-code-csrf-skipped',
    file: 'src/sign-in-page/routes.ts',
    original: `${CSRF_LINE}  const config`,
    replacement: '  const config',
    description: 'the code step is accepted without the CSRF token',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-csrf-any-token',
    file: 'src/sign-in-page/csrf.ts',
    original: '  return difference === 0;',
    replacement: '  return true;',
    description: 'any CSRF token of the right length passes, not only the cookie\'s',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-return-to-unchecked-on-page',
    file: 'src/sign-in-page/routes.ts',
    original: "(c) => passwordPage(c, safeReturnTo(c.req.query('return_to')), '', undefined, 200),",
    replacement: "(c) => passwordPage(c, c.req.query('return_to') ?? '/', '', undefined, 200),",
    description: 'the page carries an off-site return_to into its form and provider links (open redirect)',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-return-to-unchecked-on-post',
    file: 'src/sign-in-page/routes.ts',
    original: `  const returnTo = safeReturnTo(form.return_to);\n${CSRF_LINE}  const email`,
    replacement: `  const returnTo = form.return_to ?? '/';\n${CSRF_LINE}  const email`,
    description: 'a signed-in browser is sent to whatever return_to the form names (//evil.example, https://evil.example)',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-email-verification-ignored',
    file: 'src/sign-in-page/routes.ts',
    original: 'lockout: lockoutPolicyFor(config), requireEmailVerification: config.account.requireEmailVerification };',
    replacement: 'lockout: lockoutPolicyFor(config), requireEmailVerification: false };',
    description: 'the page opens a session for an unverified address under REQUIRE_EMAIL_VERIFICATION=true',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-ip-limit-skipped',
    file: 'src/sign-in-page/routes.ts',
    original: `  try {\n    await enforceIpRateLimit(c.env.IP_RATE_LIMITER, config.ipRateLimitPerMinute, client.ip, 'auth');\n    const context = { env`,
    replacement: '  try {\n    const context = { env',
    description: 'the page lets an address guess passwords past the per-IP limit /auth/login enforces',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-csp-framing-allowed',
    file: 'src/sign-in-page/respond.ts',
    original: "base-uri 'none'; frame-ancestors 'none'`;",
    replacement: "base-uri 'none'`;",
    description: 'another site may frame the sign-in page (clickjacking)',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-email-unescaped',
    file: 'src/sign-in-page/page.ts',
    original: 'required value="${view.email}"${describedBy',
    replacement: 'required value="${raw(view.email)}"${describedBy',
    description: 'the reflected email is written into the page unescaped (script injection)',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-state-cookie-missing',
    file: 'src/sessions/browser-cookies.ts',
    original: '    cookies.push(await signInStateCookie(config.keyEncryptionSecret, session.userId, session.sessionId, remaining));',
    replacement: '',
    description: 'a browser sign-in sets no sign-in state cookie, so the authorization endpoint never sees the browser signed in',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-logout-keeps-state-cookie',
    file: 'src/sessions/routes.ts',
    original: 'const cleared = [clearedRefreshCookie(sameSite), clearedSignInStateCookie()];',
    replacement: 'const cleared = [clearedRefreshCookie(sameSite)];',
    description: 'logout leaves the sign-in state cookie in the browser',
    tests: [PAGE_TEST],
  },
  {
    id: 'sip-stylesheet-any-scheme',
    file: 'src/core/sign-in-page-config.ts',
    original: "  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));",
    replacement: '  const secure = true;',
    description: 'SIGN_IN_PAGE_STYLESHEET accepts http off loopback and javascript: URLs',
    tests: ['test/unit/config-sign-in-page.test.ts'],
  },
];
