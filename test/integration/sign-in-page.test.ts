// The hosted sign-in page: headers, CSRF, return_to, the password and code forms, and what they set.
import { describe, expect, it } from 'vitest';
import { createTestClient, markEmailVerified, signUpAndLogIn, signUpVerified, uniqueEmail, uniqueIp, DEFAULT_PASSWORD, type TestClient } from '../helpers/client';
import { rowsOnEveryShard } from '../helpers/shards';
import { codeAt, enableTotp } from '../helpers/totp';
import { readSignInState, SIGN_IN_STATE_COOKIE_NAME } from '../../src/sessions/sign-in-state';
import { CSRF_COOKIE_NAME } from '../../src/sign-in-page/csrf';
import { REFRESH_COOKIE_NAME, SIGN_IN_STATE_COOKIE_NAME as DOCUMENTED_STATE_COOKIE } from '../../src/http/cookies';

const FORM = 'application/x-www-form-urlencoded';

/** Opens the page and returns its CSRF token (the cookie's value, which the form repeats). */
async function openPage(client: TestClient, query = ''): Promise<{ response: Response; html: string; csrf: string }> {
  const response = await client.fetch(`/sign-in${query}`);
  const html = await response.text();
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${CSRF_COOKIE_NAME}=`)) ?? '';
  const csrf = cookie.split(';')[0]!.slice(CSRF_COOKIE_NAME.length + 1);
  return { response, html, csrf };
}

function postForm(client: TestClient, path: string, fields: Record<string, string>, csrfCookie: string | null, ip = uniqueIp()): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': FORM, 'CF-Connecting-IP': ip };
  if (csrfCookie !== null) headers.Cookie = `${CSRF_COOKIE_NAME}=${csrfCookie}`;
  return client.fetch(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

async function sessionCount(userId: string): Promise<number> {
  return (await rowsOnEveryShard('SELECT id FROM sessions WHERE user_id = ?1', userId)).length;
}

function secretOf(client: TestClient): string {
  return (client.env as unknown as Record<string, string>).KEY_ENCRYPTION_SECRET!;
}

function cookieLine(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

describe('the sign-in page', () => {
  it('is HTML with a strict Content-Security-Policy, no framing and no caching', async () => {
    const client = createTestClient();
    const { response, html } = await openPage(client);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(html).toContain('<form method="post" action="/sign-in"');
    expect(html).toMatch(/<label for="email">Email<\/label>\s*<input id="email" name="email" type="email" autocomplete="username"/);
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('href="/sign-in/forgot"');
    expect(html).not.toMatch(/<script>|\sstyle="|\son[a-z]+="/);
  });

  it('adds the origin of SIGN_IN_PAGE_STYLESHEET to style-src and shows SIGN_IN_PAGE_TITLE escaped', async () => {
    const client = createTestClient({ vars: { SIGN_IN_PAGE_TITLE: 'Acme <b>&</b> "Co"', SIGN_IN_PAGE_STYLESHEET: 'https://cdn.example.test/brand.css' } });
    const { response, html } = await openPage(client);
    expect(response.headers.get('Content-Security-Policy')).toContain("style-src 'self' https://cdn.example.test;");
    expect(html).toContain('Acme &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;');
    expect(html).not.toContain('<b>&</b>');
    expect(html).toContain('<link rel="stylesheet" href="https://cdn.example.test/brand.css">');
  });

  it('signs in: the refresh cookie and the sign-in state cookie naming the session, then 303 to return_to', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const { csrf } = await openPage(client);
    const before = await sessionCount(user.userId);
    const response = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password, return_to: '/oauth2/authorize?client_id=a&state=b' }, csrf);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/oauth2/authorize?client_id=a&state=b');
    expect(cookieLine(response, REFRESH_COOKIE_NAME)).toMatch(/HttpOnly; Secure; SameSite=\w+; Path=\/; Max-Age=2592000$/);
    const state = cookieLine(response, SIGN_IN_STATE_COOKIE_NAME)!;
    expect(state).toMatch(/HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=2592000$/);
    const signedIn = await readSignInState(client.env, secretOf(client), state.split(';')[0]!, Math.floor(client.clock.now() / 1000));
    expect(signedIn?.userId).toBe(user.userId);
    expect(signedIn?.amr).toEqual(['pwd']);
    expect(await sessionCount(user.userId)).toBe(before + 1);
  });

  it('goes to / when return_to is missing', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const { csrf } = await openPage(client);
    const response = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password }, csrf);
    expect(response.headers.get('Location')).toBe('/');
  });

  for (const hostile of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', ' /x', 'evil.example']) {
    it(`never redirects off-site: return_to ${JSON.stringify(hostile)} gives /`, async () => {
      const client = createTestClient();
      const user = await signUpAndLogIn(client);
      const { csrf, html } = await openPage(client, `?return_to=${encodeURIComponent(hostile)}`);
      expect(html).not.toContain('evil.example');
      const response = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password, return_to: hostile }, csrf);
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('/');
    });
  }

  for (const [label, cookie, token] of [
    ['without a CSRF token', 'a'.repeat(43), undefined],
    ['with a wrong CSRF token', 'a'.repeat(43), 'b'.repeat(43)],
    ['without the CSRF cookie', null, 'a'.repeat(43)],
  ] as const) {
    it(`refuses the password form ${label}: 403, no session, nothing written`, async () => {
      const client = createTestClient();
      const user = await signUpAndLogIn(client);
      const before = await sessionCount(user.userId);
      const fields: Record<string, string> = { email: user.email, password: user.password };
      if (token !== undefined) fields.csrf_token = token;
      const writesBefore = client.storage.counts.d1Statements;
      const response = await postForm(client, '/sign-in', fields, cookie);
      expect(response.status).toBe(403);
      expect(cookieLine(response, REFRESH_COOKIE_NAME)).toBeUndefined();
      expect(cookieLine(response, SIGN_IN_STATE_COOKIE_NAME)).toBeUndefined();
      expect(client.storage.counts.d1Statements).toBe(writesBefore);
      expect(await sessionCount(user.userId)).toBe(before);
    });
  }

  it('answers a wrong password with the page again: 401, a generic message linked to the fields, the email kept and escaped', async () => {
    const client = createTestClient();
    const { csrf } = await openPage(client);
    const email = `"><script>x</script>${uniqueEmail()}`;
    const response = await postForm(client, '/sign-in', { csrf_token: csrf, email, password: 'not the password' }, csrf);
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('<p id="form-error" class="error" role="alert">Email or password is incorrect.</p>');
    expect(html).toContain('aria-describedby="form-error"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x</script>');
    expect(cookieLine(response, REFRESH_COOKIE_NAME)).toBeUndefined();
  });

  it('honours the account lockout: a 429 page, the right password refused too', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_SECONDS: '600' } });
    const user = await signUpAndLogIn(client);
    const { csrf } = await openPage(client);
    for (let attempt = 0; attempt < 2; attempt++) expect((await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: 'wrong password' }, csrf)).status).toBe(401);
    const locked = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password }, csrf);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(locked.headers.get('Retry-After')).not.toBeNull();
    expect(cookieLine(locked, REFRESH_COOKIE_NAME)).toBeUndefined();
  });

  it('counts in the per-IP sign-in limit of /auth/login: past it, a 429 page and no session for the right password', { timeout: 60_000 }, async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const { csrf } = await openPage(client);
    const ip = uniqueIp();
    const junk = `00.${'A'.repeat(43)}`;
    await Promise.all(Array.from({ length: 60 }, () => client.postJson('/auth/refresh', { refresh_token: junk }, { 'CF-Connecting-IP': ip })));
    const before = await sessionCount(user.userId);
    const limited = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password }, csrf, ip);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many sign-in attempts');
    expect(await sessionCount(user.userId)).toBe(before);
  });

  it('honours REQUIRE_EMAIL_VERIFICATION: no session for an unverified address, one once verified', async () => {
    const client = createTestClient({ vars: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
    const email = uniqueEmail();
    const registered = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const { user } = (await registered.json()) as { user: { id: string } };
    const { csrf } = await openPage(client);
    const refused = await postForm(client, '/sign-in', { csrf_token: csrf, email, password: DEFAULT_PASSWORD }, csrf);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Verify your email address first');
    expect(await sessionCount(user.id)).toBe(0);
    await markEmailVerified(client, user.id);
    expect((await postForm(client, '/sign-in', { csrf_token: csrf, email, password: DEFAULT_PASSWORD }, csrf)).status).toBe(303);
  });

  it('with TOTP on, asks for the code, then signs in with it (amr pwd, otp, mfa)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const { csrf } = await openPage(client);
    const first = await postForm(client, '/sign-in', { csrf_token: csrf, email: user.email, password: user.password, return_to: '/next' }, csrf);
    expect(first.status).toBe(200);
    expect(cookieLine(first, REFRESH_COOKIE_NAME)).toBeUndefined();
    const page = await first.text();
    expect(page).toContain('action="/sign-in/totp"');
    expect(page).toContain('autocomplete="one-time-code"');
    const mfaToken = /name="mfa_token" value="([^"]+)"/.exec(page)![1]!;
    const wrong = await postForm(client, '/sign-in/totp', { csrf_token: csrf, mfa_token: mfaToken, code: '000000', return_to: '/next' }, csrf);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That code is not right.');
    const withoutCsrf = await postForm(client, '/sign-in/totp', { mfa_token: mfaToken, code: codeAt(client, totp.secret), return_to: '/next' }, csrf);
    expect(withoutCsrf.status).toBe(403);
    const done = await postForm(client, '/sign-in/totp', { csrf_token: csrf, mfa_token: mfaToken, code: codeAt(client, totp.secret), return_to: '/next' }, csrf);
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe('/next');
    const state = cookieLine(done, SIGN_IN_STATE_COOKIE_NAME)!;
    const signedIn = await readSignInState(client.env, secretOf(client), state.split(';')[0]!, Math.floor(client.clock.now() / 1000));
    expect(signedIn?.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('refuses a form that is not urlencoded', async () => {
    const client = createTestClient();
    const { csrf } = await openPage(client);
    const response = await client.fetch('/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: `${CSRF_COOKIE_NAME}=${csrf}` }, body: '{}' });
    expect(response.status).toBe(415);
  });

  it('shows a provider button per configured provider, returning to this page\'s return_to on this origin', async () => {
    const client = createTestClient({ vars: { OAUTH_PROVIDERS: JSON.stringify({ github: { client_id: 'id', client_secret: 'secret' } }) } });
    const { html } = await openPage(client, '?return_to=%2Fapp%3Fx%3D1');
    expect(html).toContain(`href="/auth/oauth/github?redirect_to=${encodeURIComponent('https://auth.example.test/app?x=1')}"`);
  });

  it('answers 404 when DISABLED_CAPABILITIES names sign-in-page', async () => {
    const client = createTestClient({ vars: { DISABLED_CAPABILITIES: 'sign-in-page' } });
    expect((await client.fetch('/sign-in')).status).toBe(404);
  });
});

describe('the sign-in state cookie on the other browser sign-ins', () => {
  it('has the name the OpenAPI document gives it', () => {
    expect(DOCUMENTED_STATE_COOKIE).toBe(SIGN_IN_STATE_COOKIE_NAME);
  });

  it('is set by /auth/login with cookie delivery and cleared by logout', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const login = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD });
    expect(cookieLine(login, SIGN_IN_STATE_COOKIE_NAME)).toMatch(/SameSite=Lax; Path=\/; Max-Age=\d+$/);
    const body = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD, token_delivery: 'body' });
    expect(cookieLine(body, SIGN_IN_STATE_COOKIE_NAME)).toBeUndefined();
    const refresh = cookieLine(login, REFRESH_COOKIE_NAME)!.split(';')[0]!;
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: refresh, Origin: 'https://auth.example.test' } });
    expect(logout.status).toBe(204);
    expect(cookieLine(logout, SIGN_IN_STATE_COOKIE_NAME)).toMatch(/Max-Age=0$/);
  });
});
