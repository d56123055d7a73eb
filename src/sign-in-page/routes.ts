// Routes of the hosted sign-in page: the page, its password and code forms, forgot password (its CSS and script are static assets, demo/sign-in/).

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { AuthError } from '../core/errors';
import { defineRoute } from '../http/define-route';
import { enforceIpRateLimit } from '../http/ip-rate-limit';
import { readClientInfo } from '../http/client-info';
import { logAuthEvent } from '../core/log';
import { publicOriginFor } from '../core/public-origin';
import { lockoutPolicyFor } from '../password/throttle';
import { loginWithPassword } from '../password/login';
import { completeMfaSignIn } from '../totp/mfa-login';
import { securityNoticesFor } from '../account/notice-context';
import { browserSessionCookies } from '../sessions/browser-cookies';
import type { IssuedSession } from '../sessions/token-response';
import { isTurnedOff, listRouteSpecs, type ResponseSpec } from '../http/route-registry';
import { csrfCookie, csrfTokenMatches, csrfTokenOfRequest, newCsrfToken } from './csrf';
import { readForm } from './form';
import { codePage, messagePage, signInPage, type ProviderButton } from './page';
import { htmlPage } from './respond';
import { safeReturnTo } from './return-to';
import { addForgotPasswordRoutes } from './forgot';

const TAG = 'Sign-in page';
/** What both sign-in forms may answer besides their own page. */
const SIGN_IN_FORM_RESPONSES: Record<number, string | ResponseSpec> = {
  303: { description: 'Signed in: to return_to with the refresh and sign-in state cookies.', requiredHeaders: ['Location', 'Set-Cookie'] },
  400: 'invalid_request: a repeated field.',
  403: { description: 'The page: bad CSRF token, or unverified address.', mediaType: 'text/html', headers: ['Set-Cookie'] },
  415: 'unsupported_media_type.',
  429: { description: 'A page: locked or over the per-IP limit.', mediaType: 'text/html' },
};
const PAGE = { description: 'The page.', mediaType: 'text/html' } as const;

/** The form's CSRF token: the browser's cookie when it holds a well-formed one, else a new one set now. */
export function csrfFor(c: Context<AppEnv>): { token: string; cookies: string[] } {
  const existing = csrfTokenOfRequest(c.req.header('Cookie') ?? null);
  if (existing !== null) return { token: existing, cookies: [] };
  const token = newCsrfToken();
  return { token, cookies: [csrfCookie(token)] };
}

/** The title and stylesheet every page shows. */
export function branding(c: Context<AppEnv>): { title: string; stylesheet: string | undefined } {
  const settings = c.var.config.signInPage;
  return { title: settings.title, stylesheet: settings.stylesheet?.href };
}

function providerButtons(c: Context<AppEnv>): ProviderButton[] {
  if (c.var.config.disabledCapabilities.has('providers')) return [];
  const label = { github: 'GitHub', google: 'Google' } as const;
  return [...c.var.config.oauthProviders.values()].map((provider) => ({ id: provider.id, label: provider.kind === 'oidc' ? provider.id : label[provider.kind] }));
}

function passkeysOn(c: Context<AppEnv>): boolean {
  const spec = listRouteSpecs().find((route) => route.path === '/auth/passkeys/login');
  return spec !== undefined && !isTurnedOff(spec, c.var.config.disabledCapabilities);
}

/** Renders the password page with `email` kept and `error` shown. */
function passwordPage(c: Context<AppEnv>, returnTo: string, email: string, error: string | undefined, status: 200 | 401 | 403) {
  const csrf = csrfFor(c);
  const view = {
    ...branding(c), csrfToken: csrf.token, returnTo, email, error,
    providers: providerButtons(c), providerReturn: `${publicOriginFor(c.var.config, c.req.raw)}${returnTo}`, passkeys: passkeysOn(c),
  };
  return htmlPage(c, signInPage(view), status, csrf.cookies);
}

/** The refresh and sign-in state cookies, then 303 to `returnTo`. */
async function signedIn(c: Context<AppEnv>, session: IssuedSession, returnTo: string): Promise<Response> {
  logAuthEvent('login_succeeded', { user_id: session.userId, sid: session.sessionId, channel: 'cookie', ip: readClientInfo(c.req.raw).ip });
  for (const cookie of await browserSessionCookies(c.var.config, session, c.var.nowSeconds)) c.header('Set-Cookie', cookie, { append: true });
  return c.redirect(returnTo, 303);
}

function tooMany(c: Context<AppEnv>, error: AuthError, returnTo: string): Promise<Response> {
  c.header('Retry-After', String(error.retryAfterSeconds ?? 60));
  return htmlPage(c, messagePage({ ...branding(c), returnTo }, 'Too many attempts', 'Too many sign-in attempts. Wait a few minutes, then try again.'), 429);
}

/** A form without the browser's CSRF cookie value: no work done, the page again with a fresh token. */
function csrfRefused(c: Context<AppEnv>, returnTo: string): Promise<Response> {
  return passwordPage(c, returnTo, '', 'This form expired or did not come from this page. Please sign in again.', 403);
}

async function handlePassword(c: Context<AppEnv>): Promise<Response> {
  const form = await readForm(c.req.raw);
  const returnTo = safeReturnTo(form.return_to);
  if (!csrfTokenMatches(csrfTokenOfRequest(c.req.header('Cookie') ?? null), form.csrf_token)) return csrfRefused(c, returnTo);
  const email = (form.email ?? '').slice(0, 320);
  const config = c.var.config;
  const client = readClientInfo(c.req.raw);
  try {
    await enforceIpRateLimit(c.env.IP_RATE_LIMITER, config.ipRateLimitPerMinute, client.ip, 'auth');
    const context = { env: c.env, nowSeconds: c.var.nowSeconds, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds, client, lockout: lockoutPolicyFor(config), requireEmailVerification: config.account.requireEmailVerification };
    return await signedIn(c, await loginWithPassword(context, email, form.password ?? ''), returnTo);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code === 'invalid_credentials') return passwordPage(c, returnTo, email, 'Email or password is incorrect.', 401);
    if (error.code === 'email_not_verified') return passwordPage(c, returnTo, email, 'Verify your email address first: open the link we sent you, then sign in.', 403);
    if (error.code === 'too_many_attempts') return tooMany(c, error, returnTo);
    if (error.code === 'mfa_required' && typeof error.details.mfa_token === 'string') {
      const csrf = csrfFor(c);
      return htmlPage(c, codePage({ ...branding(c), csrfToken: csrf.token, returnTo, mfaToken: error.details.mfa_token, error: undefined }), 200, csrf.cookies);
    }
    throw error;
  }
}

async function handleCode(c: Context<AppEnv>): Promise<Response> {
  const form = await readForm(c.req.raw);
  const returnTo = safeReturnTo(form.return_to);
  if (!csrfTokenMatches(csrfTokenOfRequest(c.req.header('Cookie') ?? null), form.csrf_token)) return csrfRefused(c, returnTo);
  const config = c.var.config;
  const client = readClientInfo(c.req.raw);
  const mfaToken = form.mfa_token ?? '';
  const code = (form.code ?? '').trim();
  const factor = /^\d{6}$/.test(code) ? { kind: 'totp' as const, code } : { kind: 'recovery_code' as const, code };
  try {
    await enforceIpRateLimit(c.env.IP_RATE_LIMITER, config.ipRateLimitPerMinute, client.ip, 'auth');
    const context = {
      env: c.env, nowSeconds: c.var.nowSeconds, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds, lockout: lockoutPolicyFor(config), client,
      encryptionSecret: config.keyEncryptionSecret, requireEmailVerification: config.account.requireEmailVerification, notices: securityNoticesFor(c),
    };
    return await signedIn(c, await completeMfaSignIn(context, mfaToken, factor), returnTo);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code === 'invalid_mfa_code' || error.code === 'invalid_request') {
      const csrf = csrfFor(c);
      return htmlPage(c, codePage({ ...branding(c), csrfToken: csrf.token, returnTo, mfaToken, error: 'That code is not right. Try the current code.' }), 401, csrf.cookies);
    }
    if (error.code === 'invalid_mfa_token') return htmlPage(c, messagePage({ ...branding(c), returnTo }, 'Sign-in expired', 'This sign-in has expired or is already complete. Please sign in again.'), 401);
    if (error.code === 'email_not_verified') return htmlPage(c, messagePage({ ...branding(c), returnTo }, 'Verify your email', 'Verify your email address first: open the link we sent you, then sign in.'), 403);
    if (error.code === 'too_many_attempts') return tooMany(c, error, returnTo);
    throw error;
  }
}

/** Adds the hosted sign-in page's routes to the app. */
export function addSignInPageRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/sign-in', tag: TAG, auth: 'none', query: { return_to: 'A path on this origin (default /).' },
      summary: 'The hosted sign-in page (HTML).',
      responses: { 200: { ...PAGE, headers: ['Set-Cookie'] } },
    },
    (c) => passwordPage(c, safeReturnTo(c.req.query('return_to')), '', undefined, 200),
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/sign-in', tag: TAG, auth: 'none',
      summary: 'The password form (urlencoded csrf_token, email, password, return_to).',
      responses: {
        200: { description: 'The code step (TOTP on).', mediaType: 'text/html', headers: ['Set-Cookie'] },
        401: { description: 'The page: wrong email or password.', mediaType: 'text/html', headers: ['Set-Cookie'] },
        ...SIGN_IN_FORM_RESPONSES,
      },
    },
    handlePassword,
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/sign-in/totp', tag: TAG, auth: 'none',
      summary: 'The code step (urlencoded csrf_token, mfa_token, code, return_to).',
      responses: {
        401: { description: 'The step again (wrong code), or expired.', mediaType: 'text/html', headers: ['Set-Cookie'] },
        ...SIGN_IN_FORM_RESPONSES,
      },
    },
    handleCode,
  );

  addForgotPasswordRoutes(app);
}
