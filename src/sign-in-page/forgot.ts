// The sign-in page's forgot-password form: the same account function as POST /auth/password/forgot, without script.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { AuthError } from '../core/errors';
import { defineRoute } from '../http/define-route';
import { linkContextFor, prepareToMail, queueMailInBackground } from '../account/routes';
import { requestPasswordReset } from '../account/password-reset';
import { csrfCookie, csrfTokenMatches, csrfTokenOfRequest, newCsrfToken } from './csrf';
import { readForm } from './form';
import { forgotPage, messagePage } from './page';
import { htmlPage } from './respond';
import { safeReturnTo } from './return-to';

const TAG = 'Sign-in page';

function form(c: Context<AppEnv>, returnTo: string, email: string, error: string | undefined, status: 200 | 400 | 403) {
  const settings = c.var.config.signInPage;
  const existing = csrfTokenOfRequest(c.req.header('Cookie') ?? null);
  const token = existing ?? newCsrfToken();
  const view = { title: settings.title, stylesheet: settings.stylesheet?.href, csrfToken: token, returnTo, email, error };
  return htmlPage(c, forgotPage(view), status, existing === null ? [csrfCookie(token)] : []);
}

async function handleForgot(c: Context<AppEnv>): Promise<Response> {
  const fields = await readForm(c.req.raw);
  const returnTo = safeReturnTo(fields.return_to);
  const email = (fields.email ?? '').slice(0, 320);
  if (!csrfTokenMatches(csrfTokenOfRequest(c.req.header('Cookie') ?? null), fields.csrf_token)) {
    return form(c, returnTo, email, 'This form expired or did not come from this page. Please try again.', 403);
  }
  const branding = { title: c.var.config.signInPage.title, stylesheet: c.var.config.signInPage.stylesheet?.href, returnTo };
  try {
    await prepareToMail(c);
    const message = await requestPasswordReset(linkContextFor(c), email);
    if (message) queueMailInBackground(c, [message]);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code === 'invalid_request') return form(c, returnTo, email, 'Enter a valid email address.', 400);
    if (error.code === 'too_many_attempts') c.header('Retry-After', String(error.retryAfterSeconds ?? 60));
    if (error.code === 'too_many_attempts') return htmlPage(c, messagePage(branding, 'Too many requests', 'Too many reset requests. Wait a few minutes, then try again.'), 429);
    throw error;
  }
  // The same answer whether or not the address has an account.
  return htmlPage(c, messagePage(branding, 'Check your email', 'If that address has an account, a link to set a new password is on its way.'), 200);
}

/** GET and POST /sign-in/forgot. */
export function addForgotPasswordRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/sign-in/forgot', tag: TAG, auth: 'none', query: { return_to: 'Kept for the way back.' },
      summary: 'The forgot-password form (HTML).',
      responses: { 200: { description: 'The form.', mediaType: 'text/html', headers: ['Set-Cookie'] } },
    },
    (c) => form(c, safeReturnTo(c.req.query('return_to')), '', undefined, 200),
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/sign-in/forgot', tag: TAG, auth: 'none',
      summary: 'Mails a reset link like POST /auth/password/forgot (urlencoded csrf_token, email, return_to).',
      responses: {
        200: { description: 'The same page whether or not the address has an account.', mediaType: 'text/html' },
        400: { description: 'The form: not an address.', mediaType: 'text/html', headers: ['Set-Cookie'] },
        403: { description: 'The form: bad CSRF token.', mediaType: 'text/html', headers: ['Set-Cookie'] },
        415: 'unsupported_media_type.',
        429: { description: 'A page: per address or IP.', mediaType: 'text/html' },
      },
    },
    handleForgot,
  );
}
