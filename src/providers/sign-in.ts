// Sign-in with other providers: the redirect to the provider, and the callback that opens a session or names the error.

import type { Config } from '../core/config';
import { AuthError } from '../core/errors';
import { readOAuthBindingCookie } from './binding-cookie';
import { checkRedirectTarget, withErrorFragment } from './redirect-target';
import { publicOriginFor } from '../core/public-origin';
import { logEvent } from '../core/log';
import { providerClientFor } from './clients';
import { hashFlowSecret, newFlowSecrets, OAUTH_FLOW_TTL_SECONDS } from './flow-secrets';
import { ProviderResponseError } from './profile';
import type { OAuthProviderConfig } from '../core/provider-config';
import { databaseForKey, type StorageBindings } from '../storage/database';
import { consumeOAuthFlow, insertOAuthFlow } from './flow-rows';
import { IdTokenRejection } from '../tokens/id-token';
import { linkInSignIn, type NewIdentity } from './identity-rows';
import { needsSecondStep, requireSignInAllowed } from '../core/account-policy';
import type { ClientInfo } from '../http/client-info';
import { resolveProviderAccount } from './identity-linking';
import { issueMfaToken } from '../totp/mfa-login';
import { queueSecurityNotice, type SecurityNotices } from '../account/security-notice';
import { openSignInSession, type SignInUser } from '../sessions/sign-in-session';
import type { IssuedSession } from '../sessions/token-response';

/**
 * RFC 8176 method reference of a session opened by another provider. RFC
 * 8176 registers no value for federated sign-in, and the provider does not
 * tell us reliably how the person authenticated there; "fed" is the
 * unregistered value Microsoft's identity platform uses for the same case
 * (RFC 8176 allows values agreed between the parties). A verifier that
 * wants a password or a passkey simply does not find `pwd` or `hwk`.
 */
export const PROVIDER_AMR: readonly string[] = ['fed'];

/** The codes a callback may put after `#error=` (`mfa_required` comes with `&mfa_token=`). */
export type OAuthErrorCode = 'access_denied' | 'invalid_state' | 'account_exists' | 'email_not_verified' | 'mfa_required' | 'provider_error';

/** What a provider sign-in needs from the request. */
export interface OAuthContext {
  env: StorageBindings;
  config: Config;
  request: Request;
  nowSeconds: number;
  client: ClientInfo;
  /** Tells the owner when a provider first signs in to (and is linked to) the account; none outside a request. */
  notices?: SecurityNotices;
}

/** The callback URL registered at the provider: `<service origin>/auth/oauth/<id>/callback`. */
export function callbackUrlFor(config: Pick<Config, 'publicOrigin'>, request: Request, providerId: string): string {
  return `${publicOriginFor(config, request)}/auth/oauth/${providerId}/callback`;
}

function providerFor(config: Config, providerId: string): OAuthProviderConfig {
  const provider = config.oauthProviders.get(providerId);
  if (!provider) throw new AuthError('not_found', 'No sign-in provider has this name.');
  return provider;
}

/** The answer of a start: where the browser goes, and the binding cookie when a flow was stored. */
export interface OAuthStart {
  location: string;
  bindingSecret: string | null;
}

/**
 * Starts a provider sign-in: checks `redirect_to` (400 `invalid_request`
 * unless its origin is the service's own or in ALLOWED_ORIGINS), draws
 * state, PKCE verifier, nonce and the browser binding, stores the flow for
 * 10 minutes and returns the provider's authorization URL. A provider that
 * cannot be reached (discovery) sends the browser to `redirect_to` with
 * `#error=provider_error`, storing nothing. Unknown provider: 404.
 */
export async function startOAuthSignIn(context: OAuthContext, providerId: string, redirectTo: string | undefined): Promise<OAuthStart> {
  const provider = providerFor(context.config, providerId);
  const target = checkRedirectTarget(redirectTo, publicOriginFor(context.config, context.request), context.config.allowedOrigins);
  if (target === null) {
    throw new AuthError('invalid_request', 'Query parameter "redirect_to" must be a URL on this service\'s origin or an allowed origin, without a fragment.');
  }
  const secrets = newFlowSecrets();
  let authorizationUrl: URL;
  try {
    authorizationUrl = await providerClientFor(provider, callbackUrlFor(context.config, context.request, providerId), context.nowSeconds).authorizationUrl(secrets);
  } catch (error) {
    if (!(error instanceof ProviderResponseError)) throw error;
    logEvent('warn', 'oauth_provider_unavailable', { provider: providerId, reason: error.reason });
    return { location: withErrorFragment(target, 'provider_error'), bindingSecret: null };
  }
  await insertOAuthFlow(context.env, {
    stateHash: await hashFlowSecret('state', secrets.state),
    bindingHash: await hashFlowSecret('binding', secrets.binding),
    provider: providerId,
    codeVerifier: secrets.codeVerifier,
    nonce: secrets.nonce,
    redirectTo: target,
    expiresAt: context.nowSeconds + OAUTH_FLOW_TTL_SECONDS,
  });
  return { location: authorizationUrl.href, bindingSecret: secrets.binding };
}

/** The query of a callback, as the provider sent it. */
export interface OAuthCallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  /** RFC 9207: the issuer that answers, when the provider names it. */
  iss?: string;
}

/** The answer of a callback: where the browser goes, and the new session on success. */
export type OAuthFinish = { location: string; session: IssuedSession | null };

/**
 * Finishes a provider sign-in. The state must name a live flow of this
 * provider started by this browser (its binding cookie), and is consumed
 * once; otherwise `invalid_state`, sent to the flow's `redirect_to` when the
 * state is known and to the service's own origin when it is not. Then the
 * provider's own error (`access_denied`, or anything else as
 * `provider_error`), the code exchange and ID-token checks
 * (`provider_error`), the linking rules (`account_exists`; an unverified
 * address makes no account: `email_not_verified`), the account policy
 * (REQUIRE_EMAIL_VERIFICATION: `email_not_verified`; TOTP on:
 * `mfa_required&mfa_token=…`, no session, and a first-time link waits in the
 * token), and on success a new session (amr `fed`), written with a
 * first-time link in one batch, and `redirect_to` itself.
 */
export async function finishOAuthSignIn(context: OAuthContext, providerId: string, query: OAuthCallbackQuery): Promise<OAuthFinish> {
  const provider = providerFor(context.config, providerId);
  const fail = (target: string, code: OAuthErrorCode, reason: string): OAuthFinish => {
    logEvent('warn', 'oauth_sign_in_failed', { provider: providerId, error: code, reason });
    return { location: withErrorFragment(target, code), session: null };
  };
  const ownOrigin = `${publicOriginFor(context.config, context.request)}/`;
  if (query.state === undefined || query.state === '') return fail(ownOrigin, 'invalid_state', 'no state');
  const binding = readOAuthBindingCookie(context.request.headers.get('Cookie'));
  const lookup = await consumeOAuthFlow(
    context.env,
    { stateHash: await hashFlowSecret('state', query.state), bindingHash: binding === null ? null : await hashFlowSecret('binding', binding), provider: providerId },
    context.nowSeconds,
  );
  if (lookup.kind === 'unknown') return fail(ownOrigin, 'invalid_state', 'state unknown or already used');
  if (lookup.kind === 'refused') return fail(lookup.redirectTo, 'invalid_state', binding === null ? 'no binding cookie' : 'binding, provider or expiry does not match');
  const flow = lookup.flow;
  // A callback naming another issuer comes from a provider mixed up with this one (RFC 9207).
  if (query.iss !== undefined && provider.kind === 'oidc' && query.iss !== provider.issuer) return fail(flow.redirectTo, 'provider_error', 'iss parameter names another issuer');
  if (query.error !== undefined) return fail(flow.redirectTo, query.error === 'access_denied' ? 'access_denied' : 'provider_error', `provider said ${query.error.slice(0, 64)}`);
  if (query.code === undefined || query.code === '') return fail(flow.redirectTo, 'provider_error', 'no code');

  const providerClient = providerClientFor(provider, callbackUrlFor(context.config, context.request, providerId), context.nowSeconds);
  let account;
  try {
    const profile = await providerClient.fetchProfile({ code: query.code, codeVerifier: flow.codeVerifier, nonce: flow.nonce, nowSeconds: context.nowSeconds });
    account = await resolveProviderAccount(context.env, providerId, profile, context.nowSeconds, context.client);
  } catch (error) {
    if (error instanceof ProviderResponseError || error instanceof IdTokenRejection) return fail(flow.redirectTo, 'provider_error', error.reason);
    throw error;
  }
  if (account.kind === 'account_exists') return fail(flow.redirectTo, 'account_exists', 'address belongs to an account and is not verified on both sides');
  if (account.kind === 'email_not_verified') return fail(flow.redirectTo, 'email_not_verified', 'the provider does not assert the address verified: no account made');
  const link = account.kind === 'link' ? account.identity : null;
  try {
    requireSignInAllowed(account.user, 'provider', context.config.account.requireEmailVerification);
  } catch (error) {
    if (error instanceof AuthError) return fail(flow.redirectTo, 'email_not_verified', error.logReason ?? error.message);
    throw error;
  }
  // The user's shard, resolved once: the mfa_token or the session (with a first-time link) is written there.
  const userDb = databaseForKey(context.env, account.user.id);
  if (needsSecondStep(account.user, 'provider')) {
    const pendingLink = link === null ? null : { subject: link.subject, email: link.email ?? account.user.email };
    const mfaToken = await issueMfaToken(userDb, account.user, null, context.nowSeconds, { provider: providerId, pendingLink });
    logEvent('info', 'oauth_sign_in_mfa_required', { provider: providerId, user_id: account.user.id, link_pending: link !== null });
    return { location: withErrorFragment(flow.redirectTo, 'mfa_required', { mfa_token: mfaToken }), session: null };
  }
  const session = await openProviderSession(context, userDb, account.user, link);
  const linked = account.kind === 'link' ? 'now' : account.linked;
  if (linked === 'now') queueSecurityNotice(context.notices, session.userId, 'identity_linked', providerId);
  logEvent('info', 'oauth_sign_in', { provider: providerId, user_id: session.userId, sid: session.sessionId, linked });
  return { location: flow.redirectTo, session };
}

/** Opens the session of a provider sign-in and records `login_succeeded`, with a first-time link: one batch on the user's shard. */
function openProviderSession(context: OAuthContext, userDb: D1Database, user: SignInUser, link: NewIdentity | null): Promise<IssuedSession> {
  const signIn = { client: context.client, nowSeconds: context.nowSeconds, refreshTokenTtlSeconds: context.config.refreshTokenTtlSeconds, amr: PROVIDER_AMR };
  return openSignInSession(userDb, user, { ...signIn, ...linkInSignIn(context.env, userDb, link, context.client), operation: 'open provider session' });
}
