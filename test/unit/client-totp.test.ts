// The SDK's TOTP calls against the real app: setup, enable, the two-step login, disable.
import { describe, expect, it } from 'vitest';
import { AuthClientError, createAuthClient } from '../../src/client';
import { totpCodeForStep, totpStepAt, TOTP_STEP_SECONDS } from '../../src/totp/totp';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, DEFAULT_PASSWORD, markEmailVerified, uniqueEmail, type TestClient } from '../helpers/client';
import { base32ToBytes } from '../helpers/totp';

function sdkFor(server: TestClient) {
  return createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
}

const codeNow = (server: TestClient, secret: Uint8Array) => totpCodeForStep(secret, totpStepAt(Math.floor(server.clock.now() / 1000)));

describe('client SDK: TOTP', () => {
  it('sets up and enables TOTP; login then rejects with mfa_required and completeMfaLogin signs in', async () => {
    const server = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const auth = sdkFor(server);
    const email = uniqueEmail('sdk-totp');
    const registered = await auth.register(email, DEFAULT_PASSWORD);
    await auth.login(email, DEFAULT_PASSWORD);
    await expect(auth.setUpTotp({ password: DEFAULT_PASSWORD })).rejects.toMatchObject({ code: 'email_not_verified', status: 403 });
    await markEmailVerified(server, registered.id);
    await expect(auth.setUpTotp({})).rejects.toMatchObject({ code: 'reauthentication_required', status: 403 });
    const setup = await auth.setUpTotp({ password: DEFAULT_PASSWORD });
    expect(setup.otpauthUri).toContain(setup.secret);
    const secret = base32ToBytes(setup.secret);
    const recoveryCodes = await auth.enableTotp(await codeNow(server, secret));
    expect(recoveryCodes).toHaveLength(10);
    server.clock.advanceSeconds(TOTP_STEP_SECONDS);

    const other = sdkFor(server);
    const refused = await other.login(email, DEFAULT_PASSWORD).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthClientError);
    const mfa = refused as AuthClientError;
    expect(mfa.code).toBe('mfa_required');
    expect(mfa.mfaMethods).toEqual(['totp', 'recovery_code']);
    expect(other.getSession()).toBeNull();
    await expect(other.completeMfaLogin(mfa.mfaToken ?? '', { code: '000000' })).rejects.toMatchObject({ code: 'invalid_mfa_code' });
    await other.completeMfaLogin(mfa.mfaToken ?? '', { code: await codeNow(server, secret) });
    expect(other.getStatus()).toBe('signed_in');
    expect(other.getSession()?.user.email).toBe(email);

    await other.disableTotp({ recoveryCode: recoveryCodes[0] ?? '' });
    await expect(sdkFor(server).login(email, DEFAULT_PASSWORD)).resolves.toMatchObject({ user: { email } });
  });

  it('reports a second setup while TOTP is on as totp_already_enabled', async () => {
    const server = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const auth = sdkFor(server);
    const email = uniqueEmail('sdk-totp');
    const registered = await auth.register(email, DEFAULT_PASSWORD);
    await markEmailVerified(server, registered.id);
    await auth.login(email, DEFAULT_PASSWORD);
    const secret = base32ToBytes((await auth.setUpTotp({ password: DEFAULT_PASSWORD })).secret);
    await auth.enableTotp(await codeNow(server, secret));
    await expect(auth.setUpTotp({ password: DEFAULT_PASSWORD })).rejects.toMatchObject({ code: 'totp_already_enabled', status: 409 });
  });
});
