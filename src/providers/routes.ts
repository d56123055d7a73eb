// Routes of sign-in with other providers: the configured providers, the redirect to one, and its callback.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { finishOAuthSignIn, startOAuthSignIn, type OAuthContext } from './sign-in';
import { browserSessionCookies } from '../sessions/browser-cookies';
import { defineRoute } from '../http/define-route';
import { clearedOAuthBindingCookie, oauthBindingCookie } from './binding-cookie';
import { logAuthEvent } from '../core/log';
import { limitPerIp } from '../http/ip-rate-limit';
import { OAUTH_FLOW_TTL_SECONDS } from './flow-secrets';
import { oauthCallbackQuery, oauthStartQuery, parseOAuthCallbackQuery, parseOAuthStartQuery } from './schemas';
import { securityNoticesFor } from '../account/notice-context';
import { oauthProvidersResponse, type OAuthProvidersResponse } from './responses';

const TAG = 'Providers';

function oauthContext(c: Context<AppEnv>): OAuthContext {
  return { env: c.env, config: c.var.config, request: c.req.raw, nowSeconds: c.var.nowSeconds, client: readClientInfo(c.req.raw), notices: securityNoticesFor(c) };
}

function queryDescriptions(schema: { fields: Record<string, { description: string }> }): Record<string, string> {
  return Object.fromEntries(Object.entries(schema.fields).map(([key, field]) => [key, field.description]));
}

/** Adds the provider sign-in routes to the app. */
export function addOAuthRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/oauth', tag: TAG, auth: 'none',
      summary: 'The sign-in providers configured in OAUTH_PROVIDERS (ids and types only), for "Continue with …" buttons.',
      responses: { 200: { description: 'The providers, in configuration order.', body: oauthProvidersResponse } },
    },
    (c) => {
      const body: OAuthProvidersResponse = { providers: [...c.var.config.oauthProviders.values()].map((provider) => ({ id: provider.id, type: provider.kind })) };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/oauth/:provider', tag: TAG, auth: 'none', query: queryDescriptions(oauthStartQuery),
      summary: 'Start signing in with a provider: 302 to it with state, PKCE S256 and (OpenID Connect) a nonce; the flow lives 10 minutes, works once, and only in this browser.',
      responses: {
        302: {
          description: 'To the provider, with the __Host- binding cookie (SameSite=Lax) of this flow; or to redirect_to#error=provider_error when the provider cannot be reached.',
          headers: ['Location', 'Set-Cookie'],
          requiredHeaders: ['Location'],
        },
        400: 'invalid_request: redirect_to is missing, or its origin is neither this service\'s nor in ALLOWED_ORIGINS.',
        404: 'not_found: no provider of this id is configured.',
        429: 'too_many_attempts (per-IP limit).',
      },
    },
    limitPerIp('auth'),
    async (c) => {
      const query = parseOAuthStartQuery(c.req.raw);
      const start = await startOAuthSignIn(oauthContext(c), c.req.param('provider') ?? '', query.redirect_to);
      if (start.bindingSecret !== null) c.header('Set-Cookie', oauthBindingCookie(start.bindingSecret, OAUTH_FLOW_TTL_SECONDS));
      return c.redirect(start.location, 302);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/oauth/:provider/callback', tag: TAG, auth: 'none', query: queryDescriptions(oauthCallbackQuery),
      summary: 'Where the provider sends the browser back: opens a session, sets the refresh cookie and 302s to redirect_to (the app then calls POST /auth/refresh); with TOTP on it stops at the second step instead.',
      responses: {
        302: {
          description: 'To redirect_to with the refresh cookie; or to redirect_to#error=<code> with access_denied, invalid_state (unknown, used, expired state, or another browser: then to this service\'s origin when the state names no flow), account_exists, email_not_verified (the provider does not assert the address verified, which makes no account; or the account\'s address is unverified and REQUIRE_EMAIL_VERIFICATION=true) or provider_error; or, when the account has TOTP on, to redirect_to#error=mfa_required&mfa_token=<token> with no session: finish at POST /auth/login/mfa (a first-time link is written only then). The binding cookie is always cleared.',
          headers: ['Location', 'Set-Cookie'],
          requiredHeaders: ['Location', 'Set-Cookie'],
        },
        400: 'invalid_request: a query parameter sent twice or too long.',
        404: 'not_found: no provider of this id is configured.',
      },
    },
    async (c) => {
      const query = parseOAuthCallbackQuery(c.req.raw);
      const providerId = c.req.param('provider') ?? '';
      const finish = await finishOAuthSignIn(oauthContext(c), providerId, query);
      c.header('Set-Cookie', clearedOAuthBindingCookie());
      if (finish.session) {
        for (const cookie of await browserSessionCookies(c.var.config, finish.session, c.var.nowSeconds)) c.header('Set-Cookie', cookie, { append: true });
        logAuthEvent('login_succeeded', { user_id: finish.session.userId, sid: finish.session.sessionId, channel: 'cookie', ip: readClientInfo(c.req.raw).ip });
      }
      return c.redirect(finish.location, 302);
    },
  );
}
