// The sign-in page's HTML (hono/html escapes every interpolated value): the password form, the code step, the way out.

import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** A provider button: its id (the path segment) and its label. */
export interface ProviderButton {
  id: string;
  label: string;
}

/** What the password page shows. */
export interface SignInView {
  title: string;
  stylesheet: string | undefined;
  csrfToken: string;
  returnTo: string;
  email: string;
  /** A message for the form (wrong password, locked, ...), linked to the fields with aria-describedby. */
  error: string | undefined;
  providers: readonly ProviderButton[];
  /** Where each provider returns (an absolute URL on this origin). */
  providerReturn: string;
  passkeys: boolean;
}

/** What the second step shows. */
export interface CodeView {
  title: string;
  stylesheet: string | undefined;
  csrfToken: string;
  returnTo: string;
  mfaToken: string;
  error: string | undefined;
}

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

function layout(view: { title: string; stylesheet: string | undefined }, heading: string, body: Markup): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading} · ${view.title}</title>
<link rel="stylesheet" href="/sign-in/style.css">
${view.stylesheet === undefined ? '' : html`<link rel="stylesheet" href="${view.stylesheet}">`}
</head>
<body>
<main class="card">
<p class="brand">${view.title}</p>
<h1>${heading}</h1>
${body}
</main>
</body>
</html>`;
}

function errorBlock(error: string | undefined): Markup {
  return error === undefined ? html`` : html`<p id="form-error" class="error" role="alert">${error}</p>`;
}

function describedBy(error: string | undefined): Markup {
  return error === undefined ? html`` : raw(' aria-describedby="form-error" aria-invalid="true"');
}

function providerButtons(view: SignInView): Markup {
  if (view.providers.length === 0) return html``;
  const links = view.providers.map(
    (provider) => html`<a class="button secondary" href="/auth/oauth/${encodeURIComponent(provider.id)}?redirect_to=${encodeURIComponent(view.providerReturn)}">Continue with ${provider.label}</a>`,
  );
  return html`<div class="alternatives"><p class="divider"><span>or</span></p>${links}</div>`;
}

function passkeyButton(view: SignInView): Markup {
  if (!view.passkeys) return html``;
  return html`<button type="button" class="button secondary" id="passkey" data-return-to="${view.returnTo}" hidden>Sign in with a passkey</button>
<p id="passkey-error" class="error" role="alert" hidden></p>
<script src="/sign-in/passkey.js" defer></script>`;
}

/** The password page. */
export function signInPage(view: SignInView): Markup {
  return layout(
    view,
    'Sign in',
    html`${errorBlock(view.error)}
<form method="post" action="/sign-in" novalidate>
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<input type="hidden" name="return_to" value="${view.returnTo}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${view.email}"${describedBy(view.error)}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy(view.error)}>
<button type="submit" class="button primary">Sign in</button>
</form>
${passkeyButton(view)}
${providerButtons(view)}
<p class="links"><a href="/sign-in/forgot">Forgot password?</a></p>`,
  );
}

/** The second step: a TOTP or recovery code for the mfa_token the password earned. */
export function codePage(view: CodeView): Markup {
  return layout(
    view,
    'Enter your code',
    html`<p class="hint" id="code-hint">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
${errorBlock(view.error)}
<form method="post" action="/sign-in/totp" novalidate>
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<input type="hidden" name="return_to" value="${view.returnTo}">
<input type="hidden" name="mfa_token" value="${view.mfaToken}">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus aria-describedby="code-hint${view.error === undefined ? '' : ' form-error'}">
<button type="submit" class="button primary">Verify</button>
</form>
<p class="links"><a href="/sign-in?return_to=${encodeURIComponent(view.returnTo)}">Start over</a></p>`,
  );
}

/** A page with a message and a way back (locked, link sent, expired step). */
export function messagePage(view: { title: string; stylesheet: string | undefined; returnTo: string }, heading: string, message: string): Markup {
  return layout(view, heading, html`<p class="error" role="alert">${message}</p>
<p class="links"><a href="/sign-in?return_to=${encodeURIComponent(view.returnTo)}">Back to sign in</a></p>`);
}

/** The forgot-password form: an address to mail a reset link to. */
export function forgotPage(view: { title: string; stylesheet: string | undefined; csrfToken: string; returnTo: string; email: string; error: string | undefined }): Markup {
  return layout(
    view,
    'Reset your password',
    html`<p class="hint" id="forgot-hint">Enter your account's email address and we will send you a link to set a new password.</p>
${errorBlock(view.error)}
<form method="post" action="/sign-in/forgot" novalidate>
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<input type="hidden" name="return_to" value="${view.returnTo}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${view.email}" aria-describedby="forgot-hint${view.error === undefined ? '' : ' form-error'}"${view.error === undefined ? '' : raw(' aria-invalid="true"')}>
<button type="submit" class="button primary">Send reset link</button>
</form>
<p class="links"><a href="/sign-in?return_to=${encodeURIComponent(view.returnTo)}">Back to sign in</a></p>`,
  );
}
