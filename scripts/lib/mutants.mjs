// The listed mutants `npm run mutate` applies one at a time: small, realistic
// bugs in the security-relevant code (every capability folder, the shared
// floor in src/core, src/http, src/tokens and src/storage, and src/verify). Each names its file,
// the exact snippet it changes and the bug it stands for; `tests` are the files tried first (a speed hint only:
// a mutant they miss still faces the whole workerd suite).
// When code moves, update the snippet here: a missing snippet is reported
// as not applicable, never counted as killed.

import { MUTANTS as COVERAGE } from './mutants/coverage.mjs';
import { MUTANTS as HARDENING } from './mutants/hardening.mjs';
import { MUTANTS as HOUSE } from './mutants/house.mjs';
import { MUTANTS as OAUTH_CORE } from './mutants/oauth-core.mjs';
import { MUTANTS as OAUTH_TOKEN } from './mutants/oauth-token.mjs';
import { MUTANTS as PROOF } from './mutants/proof.mjs';
import { MUTANTS as PROVIDERS } from './mutants/providers.mjs';
import { MUTANTS as RECOVERY } from './mutants/recovery.mjs';
import { MUTANTS as SIGN_IN_PAGE } from './mutants/sign-in-page.mjs';
import { MUTANTS as SURVIVORS } from './mutants/survivors.mjs';

/** @type {import('./mutation.mjs').Mutant[]} */
const CORE = [
  // --- The three survivors of issue 18 ---
  {
    id: 'refresh-hash-reversible',
    file: 'src/sessions/refresh-secrets.ts',
    original: "return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(token))));",
    replacement: 'return bytesToHex(utf8(token));',
    description: 'the stored "hash" of a refresh token is the hex of its bytes (reversible)',
    tests: ['test/security/refresh-rotation-rules.test.ts'],
  },
  {
    id: 'refresh-cookie-first-wins',
    file: 'src/http/cookies.ts',
    original: "if (counted.size > 1) return { kind: 'ambiguous', legacySeen };",
    replacement: '',
    description: 'with several refresh cookies of the same name the first one wins, so a tossed cookie can sign the victim into another account',
    tests: ['test/security/cookie-tossing.test.ts'],
  },
  {
    id: 'refresh-ignores-revoked-session',
    file: 'src/sessions/refresh.ts',
    original: "if (state.revokedAt !== null) throw invalidRefreshToken('session revoked');",
    replacement: '',
    description: 'refresh stops checking revoked_at, so a revoked session refreshes inside the grace window',
    tests: ['test/security/refresh-rotation-rules.test.ts'],
  },
  // --- The grace window ---
  {
    id: 'grace-boundary-exclusive',
    file: 'src/sessions/refresh.ts',
    original: 'secondsSinceRotation !== null && secondsSinceRotation <= context.graceSeconds;',
    replacement: 'secondsSinceRotation !== null && secondsSinceRotation < context.graceSeconds;',
    description: 'the grace window ends one second early (< instead of <=)',
    tests: ['test/security/refresh-rotation-rules.test.ts', 'test/unit/refresh-session.test.ts'],
  },
  {
    id: 'grace-widened-to-59s',
    file: 'src/sessions/refresh.ts',
    original: 'secondsSinceRotation !== null && secondsSinceRotation <= context.graceSeconds;',
    replacement: 'secondsSinceRotation !== null && secondsSinceRotation <= Math.max(context.graceSeconds, 59);',
    description: 'the grace window is widened to 59 s whatever the configuration says',
    tests: ['test/security/refresh-rotation-rules.test.ts', 'test/unit/refresh-session.test.ts'],
  },
  {
    id: 'grace-any-generation',
    file: 'src/sessions/refresh.ts',
    original: 'if (state.previousHash === presentedHash) {',
    replacement: 'if (state.previousHash === presentedHash || (secondsSinceRotation !== null && secondsSinceRotation <= context.graceSeconds)) {',
    description: 'any genuine token presented inside the grace window (two generations old included) is handled as a replay and refused without revoking, instead of treated as theft',
    tests: ['test/integration/refresh.test.ts'],
  },
  {
    id: 'reuse-revokes-nothing',
    file: 'src/sessions/refresh.ts',
    original: 'target: { sessions: [{ sessionId: state.sessionId, userId: state.userId }] },',
    replacement: 'target: { sessions: [] },',
    description: 'reuse after the grace window answers 401 but leaves the session alive',
    tests: ['test/integration/refresh.test.ts'],
  },
  {
    id: 'refresh-expiry-inclusive',
    file: 'src/sessions/refresh.ts',
    original: "if (state.expiresAt <= context.nowSeconds) throw invalidRefreshToken('refresh token expired');",
    replacement: "if (state.expiresAt < context.nowSeconds) throw invalidRefreshToken('refresh token expired');",
    description: 'a grace-window replay still gets the successor at the very second the session expires',
    tests: ['test/security/refresh-rotation-rules.test.ts', 'test/unit/refresh-session.test.ts'],
  },
  // --- Rotation storage ---
  {
    id: 'successor-insert-unconditional',
    file: 'src/sessions/refresh-token-rows.ts',
    original: 'WHERE id = ?1 AND refresh_hash = ?2 AND revoked_at IS NULL AND expires_at > ?4`,',
    replacement: 'WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?4`,',
    description: 'the rotation rewrites the session row whatever token was presented, so a rotation that lost the race also installs its successor (and any old token rotates)',
    tests: ['test/unit/refresh-session.test.ts', 'test/integration/refresh.test.ts'],
  },
  {
    id: 'rotation-overwrites-rotated',
    file: 'src/sessions/refresh-token-rows.ts',
    original: 'WHERE id = ?1 AND refresh_hash = ?2 AND revoked_at IS NULL AND expires_at > ?4`,',
    replacement: 'WHERE id = ?1 AND (refresh_hash = ?2 OR previous_hash = ?2) AND revoked_at IS NULL AND expires_at > ?4`,',
    description: 'a replay of the predecessor rotates the session again, overwriting the earlier rotation instead of finding it rotated',
    tests: ['test/unit/refresh-session.test.ts', 'test/integration/refresh.test.ts'],
  },
  {
    id: 'refresh-seal-unkeyed',
    file: 'src/sessions/refresh-secrets.ts',
    original: "await crypto.subtle.importKey('raw', utf8(predecessor), 'HKDF', false, ['deriveKey']);",
    replacement: "await crypto.subtle.importKey('raw', utf8('edge-auth'), 'HKDF', false, ['deriveKey']);",
    description: 'the sealed successor opens without its predecessor (a fixed key)',
    tests: ['test/unit/refresh-session.test.ts'],
  },
  // --- Sessions and revocation ---
  {
    id: 'delete-session-no-owner-check',
    file: 'src/sessions/session-rows.ts',
    original: 'WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL RETURNING id',
    replacement: 'WHERE id = ?1 AND revoked_at IS NULL RETURNING id',
    description: "DELETE /auth/sessions/:id ends another user's session",
    tests: ['test/security/access-control.test.ts', 'test/integration/revocation-paths.test.ts'],
  },
  {
    id: 'revoke-all-includes-current',
    file: 'src/sessions/session-rows.ts',
    original: 'AND expires_at > ?3 AND id IS NOT ?2 RETURNING id',
    replacement: 'AND expires_at > ?3 RETURNING id',
    description: 'a password change also ends the session that made it',
    tests: ['test/security/password-change.test.ts', 'test/integration/revocation-paths.test.ts'],
  },
  {
    id: 'password-change-revokes-nobody',
    file: 'src/password/change.ts',
    original: 'target: { userId: user.id, exceptSessionId: caller.sessionId },',
    replacement: 'target: { userId: caller.sessionId, exceptSessionId: caller.sessionId },',
    description: 'a password change stores the new hash but revokes no other session (wrong id passed)',
    tests: ['test/security/password-change.test.ts', 'test/integration/revocation-paths.test.ts'],
  },
  {
    id: 'password-change-ignores-lock',
    file: 'src/password/change.ts',
    original: 'const granted = requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds);',
    replacement: 'const granted = state.claim ?? { failuresBefore: state.failures?.failures ?? 0, lockoutsBefore: state.failures?.lockouts ?? 0 };',
    description: 'a refused attempt claim does not stop a password change: a locked account can still guess its current password',
    tests: ['test/security/password-change.test.ts', 'test/security/lockout.test.ts'],
  },
  {
    id: 'password-change-uncounted-failure',
    file: 'src/password/change.ts',
    original: 'await countFailedAttempt(state, context.lockout, context.nowSeconds, attempt);',
    replacement: '',
    description: 'wrong current passwords on a password change do not count towards the lockout',
    tests: ['test/security/password-change.test.ts', 'test/security/lockout.test.ts'],
  },
  {
    id: 'revocation-flag-skipped',
    file: 'src/sessions/revoke.ts',
    original: 'await raiseRevocationFlags(env, revokedIds, recentlyRevokedIds, nowSeconds);',
    replacement: '',
    description: 'revocation ends sessions in D1 but raises no KV flag (access tokens live on)',
    tests: ['test/integration/logout.test.ts'],
  },
  {
    id: 'flag-ttl-without-skew',
    file: 'src/sessions/revocations.ts',
    original: 'return Math.max(KV_MINIMUM_TTL_SECONDS, accessTokenTtlSeconds + clockSkewSeconds);',
    replacement: 'return Math.max(KV_MINIMUM_TTL_SECONDS, accessTokenTtlSeconds);',
    description: 'the KV flag expires before the last access token stops verifying (skew forgotten)',
    tests: ['test/unit/revocation-flags.test.ts', 'test/security/password-change.test.ts', 'test/integration/logout.test.ts'],
  },
  {
    id: 'flag-ttl-minimum-only',
    file: 'src/sessions/revocations.ts',
    original: 'expirationTtl: Math.max(KV_MINIMUM_TTL_SECONDS, ttlSeconds)',
    replacement: 'expirationTtl: KV_MINIMUM_TTL_SECONDS',
    description: 'the KV flag lives only 60 s whatever the access-token lifetime',
    tests: ['test/unit/revocation-flags.test.ts', 'test/security/password-change.test.ts', 'test/integration/logout.test.ts'],
  },
  {
    id: 'flag-read-wrong-value',
    file: 'src/sessions/revocations.ts',
    original: "rememberNotRevoked(sessionId, cache.nowSeconds + cache.cacheSeconds);\n  return flag !== null;",
    replacement: "rememberNotRevoked(sessionId, cache.nowSeconds + cache.cacheSeconds);\n  return flag === '1';",
    description: 'the revocation flag is compared with a value it never holds, so no token is ever revoked',
    tests: ['test/integration/logout.test.ts'],
  },
  // --- Login and lockout ---
  {
    id: 'login-skips-dummy-hash',
    file: 'src/password/login.ts',
    original: ': await verifyAgainstDummy(password.slice(0, PASSWORD_MAX_CHARACTERS * 4));',
    replacement: ': false;',
    description: 'an unknown email skips the dummy password verification (a timing oracle for accounts)',
    tests: ['test/security/password-work.test.ts'],
  },
  {
    id: 'login-ignores-lock',
    file: 'src/password/login.ts',
    original: 'const claim = email && emailHash ? requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds) : null;',
    replacement: 'const claim = email && emailHash ? state.claim : null;',
    description: 'a refused attempt claim does not stop a login: a locked account still accepts password guesses',
    tests: ['test/security/lockout.test.ts'],
  },
  {
    id: 'login-unknown-email-uncounted',
    file: 'src/password/login.ts',
    original: 'if (email && emailHash) {',
    replacement: 'if (email && emailHash && user) {',
    description: 'failures on unknown emails are not counted, so a lockout reveals which accounts exist',
    tests: ['test/security/lockout.test.ts', 'test/security/enumeration.test.ts'],
  },
  {
    id: 'lockout-threshold-off-by-one',
    file: 'src/password/login-failures.ts',
    original: 'AND failures >= ?6',
    replacement: 'AND failures > ?6',
    description: 'the lock starts one failure late',
    tests: ['test/security/lockout.test.ts'],
  },
  {
    id: 'ip-limit-off',
    file: 'src/http/ip-rate-limit.ts',
    original: "const ip = c.req.header('CF-Connecting-IP')?.trim() || null;",
    replacement: "const ip = c.req.header('X-Forwarded-For')?.trim() || null;",
    description: 'the per-IP limit keys on X-Forwarded-For, a header the client chooses, so the address Cloudflare saw is never limited',
    tests: ['test/security/ip-rate-limit.test.ts'],
  },
  {
    id: 'logout-misses-refresh-session',
    file: 'src/sessions/logout.ts',
    original: 'if (found) sessions.push(found.session);',
    replacement: '',
    description: "logout with a refresh cookie does not end the cookie's session",
    tests: ['test/integration/logout.test.ts'],
  },
  // --- Middleware ---
  {
    id: 'cors-any-origin',
    file: 'src/http/cors.ts',
    original: "const allowed = origin !== undefined && c.var.config.allowedOrigins.has(origin);",
    replacement: 'const allowed = origin !== undefined;',
    description: 'CORS with credentials echoes any origin',
    tests: ['test/security/access-control.test.ts', 'test/integration/http.test.ts'],
  },
  {
    id: 'origin-check-allows-foreign',
    file: 'src/http/origin-check.ts',
    original: "if (origin !== undefined && !trusted) {",
    replacement: "if (origin === 'null') {",
    description: 'the cookie endpoints accept a request from a foreign site (CSRF)',
    tests: ['test/security/threat-model.test.ts'],
  },
  {
    id: 'admin-role-unchecked',
    file: 'src/sessions/require-auth.ts',
    original: 'if (!c.var.auth.roles.includes(role)) {',
    replacement: 'if (!c.var.auth.roles) {',
    description: 'an admin route lets any signed-in user through',
    tests: ['test/security/access-control.test.ts', 'test/integration/sessions.test.ts'],
  },
  {
    id: 'bearer-ignores-revocation',
    file: 'src/sessions/require-auth.ts',
    original: 'if (await isSessionRevoked(c.env.KV, claims.sid, cache)) {',
    replacement: 'if (false && (await isSessionRevoked(c.env.KV, claims.sid, cache))) {',
    description: 'protected routes accept the access token of a revoked session',
    tests: ['test/integration/logout.test.ts'],
  },
  // --- Tokens ---
  {
    id: 'access-token-outlives-session',
    file: 'src/sessions/token-response.ts',
    original: 'const ttlSeconds = Math.min(config.accessTokenTtlSeconds, Math.max(1, sessionRemainingSeconds));',
    replacement: 'const ttlSeconds = config.accessTokenTtlSeconds;',
    description: 'an access token is issued for longer than its session has left',
    tests: ['test/integration/refresh.test.ts'],
  },
  {
    id: 'access-token-no-audience',
    file: 'src/tokens/access.ts',
    original: '        audience: rules.audience,\n',
    replacement: '',
    description: "access tokens for another audience are accepted",
    tests: ['test/security/forged-tokens.test.ts'],
  },
  {
    id: 'access-token-future-iat',
    file: 'src/core/token-verification.ts',
    original: "if (iat > rules.nowSeconds + CLOCK_SKEW_SECONDS) throw claimInvalid('iat is in the future');",
    replacement: '',
    description: 'a token issued in the future is accepted',
    tests: ['test/security/forged-tokens.test.ts'],
  },
  // --- Sign-in with other providers ---
  {
    id: 'oauth-nonce-unchecked',
    file: 'src/tokens/id-token.ts',
    original: "if (payload.nonce !== expected.nonce) throw new IdTokenRejection('nonce does not match the flow');",
    replacement: '',
    description: "a provider's ID token with another flow's nonce (a replayed or injected token) is accepted",
    tests: ['test/security/oauth-sign-in.test.ts'],
  },
  {
    id: 'oauth-state-unbound',
    file: 'src/providers/flow-rows.ts',
    original: 'WHERE state_hash = ?1 AND binding_hash = ?2 AND provider = ?3',
    replacement: 'WHERE state_hash = ?1 AND (binding_hash = ?2 OR 1) AND provider = ?3',
    description: 'a sign-in state works in any browser, not only the one holding its binding cookie (login CSRF)',
    tests: ['test/security/oauth-sign-in.test.ts'],
  },
  {
    id: 'oauth-links-unverified-account',
    file: 'src/providers/identity-linking.ts',
    original: "if (!(profile.emailVerified && existing.emailVerified)) return { kind: 'account_exists' };",
    replacement: "if (!profile.emailVerified) return { kind: 'account_exists' };",
    description: 'a provider identity links to an account whose own address was never verified (pre-registration takeover)',
    tests: ['test/security/oauth-sign-in.test.ts'],
  },
  {
    id: 'oauth-open-redirect',
    file: 'src/providers/redirect-target.ts',
    original: 'if (url.origin !== ownOrigin && !allowedOrigins.has(url.origin)) return null;',
    replacement: '',
    description: 'redirect_to may name any origin (an open redirect that also leaks the sign-in outcome)',
    tests: ['test/security/oauth-sign-in.test.ts'],
  },
  {
    id: 'mfa-password-forgets-failures',
    file: 'src/password/login-attempts.ts',
    original: "return how === 'settle' ? settleSuccessfulCheckStatements(db, check.emailHash, check.claim, nowSeconds) : [releaseClaimStatement(db, check.emailHash, nowSeconds)];",
    replacement: 'return settleSuccessfulCheckStatements(db, check.emailHash, check.claim, nowSeconds);',
    description: 'a right password on an account with TOTP on wipes the count of wrong codes, so guesses of the code never lock the account',
    tests: ['test/security/totp.test.ts'],
  },
];

/** Every listed mutant: the core list above, then one file per capability under mutants/. */
export const MUTANTS = [...CORE, ...SURVIVORS, ...COVERAGE, ...PROOF, ...RECOVERY, ...PROVIDERS, ...HARDENING, ...HOUSE, ...OAUTH_CORE, ...SIGN_IN_PAGE, ...OAUTH_TOKEN];
