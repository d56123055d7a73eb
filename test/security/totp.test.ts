// TOTP as a second factor, on the test's own clock: skew, replay, the lockout, mfa_token limits, recovery codes, setup and disable.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { bytesToBase32, TOTP_STEP_SECONDS } from '../../src/totp/totp';
import { createTestClient, getMe, refreshCookieFrom, refreshWithCookie, sendWithBearer, signUpVerified, type TestClient, DEFAULT_PASSWORD } from '../helpers/client';
import { decodeToken } from '../helpers/forge';
import { codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';

function totpClient(vars: Record<string, string> = {}): TestClient {
  return createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', ...vars } });
}

async function errorOf(response: Response): Promise<{ status: number; error: string }> {
  const body = (await response.json()) as { error: string };
  return { status: response.status, error: body.error };
}

async function sessionCount(userId: string): Promise<number> {
  const row = await databaseForKey(env, userId).prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1').bind(userId).first<{ n: number }>();
  return row?.n ?? -1;
}

async function signedInWithTotp(client: TestClient) {
  const user = await signUpVerified(client);
  const totp = await enableTotp(client, user);
  return { ...user, ...totp };
}

describe('POST /auth/login with TOTP on', () => {
  it('answers 403 mfa_required with an mfa_token and the methods, and opens no session', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const before = await sessionCount(user.userId);
    const response = await client.postJson('/auth/login', { email: user.email, password: user.password });
    expect(response.status).toBe(403);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBe('mfa_required');
    expect(body.methods).toEqual(['totp', 'recovery_code']);
    expect(String(body.mfa_token)).toMatch(/^[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/);
    expect(refreshCookieFrom(response)).toBeUndefined();
    expect(await sessionCount(user.userId)).toBe(before);
  });

  it('still answers 401 for a wrong password, without an mfa_token', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const response = await client.postJson('/auth/login', { email: user.email, password: 'not the password at all' });
    expect(response.status).toBe(401);
    expect(await response.json()).not.toHaveProperty('mfa_token');
  });
});

describe('POST /auth/login/mfa', () => {
  it('signs in with the current code: amr pwd, otp, mfa, and a refresh keeps them', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const response = await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string };
    const claims = decodeToken(body.access_token).payload;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.auth_time).toBe(Math.floor(client.clock.now() / 1000));
    expect((await getMe(client, body.access_token)).status).toBe(200);
    client.clock.advanceSeconds(60);
    const refreshed = await refreshWithCookie(client, refreshCookieFrom(response) ?? '');
    expect(refreshed.status).toBe(200);
    expect(decodeToken(((await refreshed.json()) as { access_token: string }).access_token).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('returns the refresh token in the body with token_delivery "body"', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const response = await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret) }, { token_delivery: 'body' });
    expect(response.status).toBe(200);
    expect(refreshCookieFrom(response)).toBeUndefined();
    expect(((await response.json()) as { refresh_token?: string }).refresh_token).toMatch(/^[0-9a-z]{2}\./);
  });

  it('accepts a code one step behind or one step ahead (clock skew), and refuses two steps away', async () => {
    const client = totpClient({ LOGIN_MAX_FAILURES: '50' });
    const user = await signedInWithTotp(client);
    // Away from the step that enabled TOTP, so "one step behind" is an unused step.
    client.clock.advanceSeconds(TOTP_STEP_SECONDS);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret, -2) })).status).toBe(401);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret, 2) })).status).toBe(401);
    // One step behind, then (a later step, so not a replay) one step ahead.
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret, -1) })).status).toBe(200);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret, 1) })).status).toBe(200);
  });

  it('refuses a code that already signed in once, even on a new mfa_token', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const code = await codeAt(client, user.secret);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code })).status).toBe(200);
    expect(await errorOf(await mfaStep(client, await passwordStep(client, user.email, user.password), { code }))).toEqual({ status: 401, error: 'invalid_mfa_code' });
    // An older step is no better than the same one.
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret, -1) })).status).toBe(401);
  });

  it('refuses the code that enabled TOTP', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    const setup = (await (await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD })).json()) as { secret: string };
    const { base32ToBytes } = await import('../helpers/totp');
    const secret = base32ToBytes(setup.secret);
    const code = await codeAt(client, secret);
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code })).status).toBe(200);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code })).status).toBe(401);
  });

  it('lets one code open one session when it is sent twice at the same moment', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const tokens = [await passwordStep(client, user.email, user.password), await passwordStep(client, user.email, user.password)];
    const code = await codeAt(client, user.secret);
    const before = await sessionCount(user.userId);
    const statuses = (await Promise.all(tokens.map((token) => mfaStep(client, token, { code })))).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 401]);
    expect(await sessionCount(user.userId)).toBe(before + 1);
  });

  it('counts wrong codes towards the account lockout: then even the right password and code get 429', async () => {
    const client = totpClient({ LOGIN_MAX_FAILURES: '3' });
    const user = await signedInWithTotp(client);
    const token = await passwordStep(client, user.email, user.password);
    for (let attempt = 0; attempt < 3; attempt++) expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    const locked = await client.postJson('/auth/login', { email: user.email, password: user.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await mfaStep(client, token, { code: await codeAt(client, user.secret) })).status).toBe(429);
  });

  it('does not let a right password wipe the count of wrong codes', async () => {
    const client = totpClient({ LOGIN_MAX_FAILURES: '3' });
    const user = await signedInWithTotp(client);
    for (let round = 0; round < 2; round++) {
      const token = await passwordStep(client, user.email, user.password);
      expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    }
    const token = await passwordStep(client, user.email, user.password);
    expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(429);
  });

  it('forgets the wrong codes once a sign-in completes', async () => {
    const client = totpClient({ LOGIN_MAX_FAILURES: '3' });
    const user = await signedInWithTotp(client);
    const token = await passwordStep(client, user.email, user.password);
    expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    expect((await mfaStep(client, token, { code: await codeAt(client, user.secret) })).status).toBe(200);
    client.clock.advanceSeconds(TOTP_STEP_SECONDS);
    const next = await passwordStep(client, user.email, user.password);
    expect((await mfaStep(client, next, { code: '000000' })).status).toBe(401);
    expect((await mfaStep(client, next, { code: '000000' })).status).toBe(401);
    expect((await mfaStep(client, next, { code: await codeAt(client, user.secret) })).status).toBe(200);
  });

  it('allows 5 codes per mfa_token: the sixth gets invalid_mfa_token, right code or not', async () => {
    const client = totpClient({ LOGIN_MAX_FAILURES: '50' });
    const user = await signedInWithTotp(client);
    const token = await passwordStep(client, user.email, user.password);
    for (let attempt = 0; attempt < 5; attempt++) expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    expect(await errorOf(await mfaStep(client, token, { code: await codeAt(client, user.secret) }))).toEqual({ status: 401, error: 'invalid_mfa_token' });
  });

  it('refuses an mfa_token after 5 minutes, after it signed in, or one it never issued', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const expiring = await passwordStep(client, user.email, user.password);
    client.clock.advanceSeconds(301);
    expect(await errorOf(await mfaStep(client, expiring, { code: await codeAt(client, user.secret) }))).toEqual({ status: 401, error: 'invalid_mfa_token' });

    const used = await passwordStep(client, user.email, user.password);
    expect((await mfaStep(client, used, { code: await codeAt(client, user.secret) })).status).toBe(200);
    client.clock.advanceSeconds(TOTP_STEP_SECONDS);
    expect(await errorOf(await mfaStep(client, used, { code: await codeAt(client, user.secret) }))).toEqual({ status: 401, error: 'invalid_mfa_token' });

    const forged = `${used.slice(0, 3)}${'A'.repeat(43)}`;
    expect(await errorOf(await mfaStep(client, forged, { code: await codeAt(client, user.secret) }))).toEqual({ status: 401, error: 'invalid_mfa_token' });
    expect(await errorOf(await mfaStep(client, 'not a token', { code: '123456' }))).toEqual({ status: 401, error: 'invalid_mfa_token' });
  });

  it('wants exactly one of code and recovery_code', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const token = await passwordStep(client, user.email, user.password);
    expect(await errorOf(await mfaStep(client, token, { code: '123456', recovery_code: user.recoveryCodes[0] } as never))).toEqual({ status: 400, error: 'invalid_request' });
    expect(await errorOf(await client.postJson('/auth/login/mfa', { mfa_token: token }))).toEqual({ status: 400, error: 'invalid_request' });
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes; one signs in once (amr pwd, mfa), whatever its case and dashes', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    expect(new Set(user.recoveryCodes).size).toBe(10);
    const [first] = user.recoveryCodes as [string];
    const typed = first.toUpperCase().replace(/-/g, ' ');
    const response = await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: typed });
    expect(response.status).toBe(200);
    expect(decodeToken(((await response.json()) as { access_token: string }).access_token).payload.amr).toEqual(['pwd', 'mfa']);
    expect(await errorOf(await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: first }))).toEqual({ status: 401, error: 'invalid_mfa_code' });
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: user.recoveryCodes[1] ?? '' })).status).toBe(200);
  });

  it('are stored only as hashes, and the secret only sealed', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const db = databaseForKey(env, user.userId);
    const codes = await db.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?1').bind(user.userId).all<{ code_hash: string }>();
    expect(codes.results).toHaveLength(10);
    const stored = JSON.stringify(codes.results);
    for (const code of user.recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
    const factor = await db.prepare('SELECT sealed_secret FROM totp_factors WHERE user_id = ?1').bind(user.userId).first<{ sealed_secret: string }>();
    const base32 = bytesToBase32(user.secret);
    expect(factor?.sealed_secret).toBeTruthy();
    expect(factor?.sealed_secret).not.toContain(base32);
    expect(factor?.sealed_secret.toUpperCase()).not.toContain(base32.slice(0, 16));
  });
});

describe('POST /auth/mfa/totp/setup and /enable', () => {
  it('needs a proof in the same request: a fresh sign-in alone is 403 reauthentication_required, the password works however old the sign-in', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken))).toEqual({ status: 403, error: 'reauthentication_required' });
    client.clock.advanceSeconds(11 * 60);
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('answers a base32 secret and an otpauth URI naming the account; a second setup replaces the pending secret', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    const first = (await (await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD })).json()) as { secret: string; otpauth_uri: string };
    expect(first.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(first.otpauth_uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(first.secret);
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);
    const second = (await (await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD })).json()) as { secret: string };
    expect(second.secret).not.toBe(first.secret);
    const { base32ToBytes } = await import('../helpers/totp');
    const staleCode = await codeAt(client, base32ToBytes(first.secret));
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code: staleCode }))).toEqual({ status: 400, error: 'invalid_mfa_code' });
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code: await codeAt(client, base32ToBytes(second.secret)) })).status).toBe(200);
  });

  it('leaves login alone until enabled, refuses enable without a setup, and answers 409 once TOTP is on', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code: '123456' }))).toEqual({ status: 400, error: 'invalid_mfa_code' });
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(200);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    const fresh = await signUpVerified(client);
    await enableTotp(client, fresh);
    client.clock.advanceSeconds(-TOTP_STEP_SECONDS);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', fresh.accessToken, { password: DEFAULT_PASSWORD }))).toEqual({ status: 409, error: 'totp_already_enabled' });
  });

  it('answers 500 server_misconfigured without KEY_ENCRYPTION_SECRET, and a short secret is refused', async () => {
    const unset = totpClient({ KEY_ENCRYPTION_SECRET: '' });
    const user = await signUpVerified(unset);
    expect(await errorOf(await sendWithBearer(unset, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: DEFAULT_PASSWORD }))).toEqual({ status: 500, error: 'server_misconfigured' });
    const short = totpClient({ KEY_ENCRYPTION_SECRET: 'too short' });
    expect((await short.fetch('/health')).status).toBe(500);
  });
});

describe('POST /auth/mfa/totp/disable', () => {
  it('turns TOTP off with a current code, after which a password signs in alone', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    const session = await mfaStep(client, await passwordStep(client, user.email, user.password), { code: await codeAt(client, user.secret) });
    const { access_token } = (await session.json()) as { access_token: string };
    client.clock.advanceSeconds(TOTP_STEP_SECONDS);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', access_token, { code: '000000' }))).toEqual({ status: 401, error: 'invalid_mfa_code' });
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', access_token, { code: await codeAt(client, user.secret) })).status).toBe(204);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    const db = databaseForKey(env, user.userId);
    expect(await db.prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?1').bind(user.userId).first('n')).toBe(0);
  });

  it('takes a recovery code, needs no recent sign-in (the code is the proof), and is 404 when TOTP is off', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', user.accessToken, { recovery_code: user.recoveryCodes[0] })).status).toBe(204);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', user.accessToken, { code: '123456' }))).toEqual({ status: 404, error: 'not_found' });
    const other = await signedInWithTotp(client);
    client.clock.advanceSeconds(11 * 60);
    expect((await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', other.accessToken, { code: await codeAt(client, other.secret) })).status).toBe(204);
  });
});

describe('account deletion with TOTP on', () => {
  it('removes the factor, the recovery codes and outstanding mfa_tokens', async () => {
    const client = totpClient();
    const user = await signedInWithTotp(client);
    await passwordStep(client, user.email, user.password);
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', user.accessToken, { password: user.password })).status).toBe(204);
    const db = databaseForKey(env, user.userId);
    for (const table of ['totp_factors', 'recovery_codes', 'mfa_tokens']) {
      expect(await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?1`).bind(user.userId).first('n')).toBe(0);
    }
  });
});
