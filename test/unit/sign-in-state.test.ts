// The sign-in state cookie: a MAC over the session id, honoured only while the session is live.
import { describe, expect, it } from 'vitest';
import { readSignInState, signInStateCookie, SIGN_IN_STATE_COOKIE_NAME } from '../../src/sessions/sign-in-state';
import { createTestClient, sendWithBearer, signUpAndLogIn } from '../helpers/client';

function cookieHeaderOf(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

describe('the sign-in state cookie', () => {
  it('names the live session, with when and how it signed in', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const secret = (client.env as unknown as { KEY_ENCRYPTION_SECRET: string }).KEY_ENCRYPTION_SECRET;
    const setCookie = await signInStateCookie(secret, user.userId, user.sessionId, 600);
    expect(setCookie).toMatch(new RegExp(`^${SIGN_IN_STATE_COOKIE_NAME}=[^;]+; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600$`));
    const state = await readSignInState(client.env, secret, cookieHeaderOf(setCookie), Math.floor(client.clock.now() / 1000));
    expect(state).toMatchObject({ userId: user.userId, sessionId: user.sessionId, amr: ['pwd'] });
    expect(state?.authTimeSeconds).toBeGreaterThan(0);
  });

  it('is refused when forged, tossed twice, signed under another secret, or its session ended', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const secret = (client.env as unknown as { KEY_ENCRYPTION_SECRET: string }).KEY_ENCRYPTION_SECRET;
    const now = Math.floor(client.clock.now() / 1000);
    const header = cookieHeaderOf(await signInStateCookie(secret, user.userId, user.sessionId, 600));
    const other = await signUpAndLogIn(client);
    const forged = header.replace(/\.[^.]+$/, '.' + 'A'.repeat(43));
    expect(await readSignInState(client.env, secret, forged, now)).toBeNull();
    const swapped = cookieHeaderOf(await signInStateCookie('another secret of at least thirty-two characters', other.userId, other.sessionId, 600));
    expect(await readSignInState(client.env, secret, swapped, now)).toBeNull();
    expect(await readSignInState(client.env, secret, `${header}; ${header}`, now)).toBeNull();
    expect(await readSignInState(client.env, secret, null, now)).toBeNull();
    await sendWithBearer(client, 'POST', '/auth/logout-all', user.accessToken);
    expect(await readSignInState(client.env, secret, header, Math.floor(client.clock.now() / 1000))).toBeNull();
  });
});
