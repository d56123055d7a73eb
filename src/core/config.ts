// Parses the worker's vars and secrets once into a typed, validated Config.

import { ConfigError } from './errors';
import { isOneEditApart, isUnset, parseBoolean, parseInteger, parseUrl, readString } from './config-values';
import { checkIssuerMatchesOrigin, parseOAuthResources, parseOAuthServerSwitch, type OAuthServerSettings } from './oauth-server-config';
import { parseOAuthProviders, type OAuthProviderConfig } from './provider-config';
import { parseShardMap, requireShardBindings } from './shard-map';
import { parseSigningKeySet, type SigningKeySet } from './signing-keys';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from './token-verification';
import { parseSignInPageSettings, type SignInPageSettings } from './sign-in-page-config';

export type SameSite = 'Strict' | 'Lax' | 'None';

/** Everything the service reads from its environment, validated. */
export interface Config {
  /** PUBLIC_ORIGIN: where mailed links, the passkey relying party and provider callbacks point; `undefined`: the request origin, locally only (see publicOriginFor). */
  publicOrigin: string | undefined;
  signingKeys: SigningKeySet;
  /** Fixed issuer, or `undefined` to use the request origin (dev). */
  issuer: string | undefined;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  allowedOrigins: ReadonlySet<string>;
  cookieSameSite: SameSite;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  ipRateLimitPerMinute: number;
  /** How long an isolate may remember that a session is not revoked; 0 reads KV every time. */
  revocationCacheSeconds: number;
  /** Account recovery and verification: links, their lifetimes, and how mail leaves. */
  account: AccountSettings;
  /** Scheduled rotation: new keys every `days`, sealed under `encryptionSecret`; `undefined` when off. */
  keyRotation: { days: number; encryptionSecret: string } | undefined;
  /** The passkey relying party: `rpId` undefined means the request's host name. */
  webauthn: { rpId: string | undefined; rpName: string };
  /** Sign-in providers from OAUTH_PROVIDERS, by id (empty when unset). */
  oauthProviders: ReadonlyMap<string, OAuthProviderConfig>;
  /** KEY_ENCRYPTION_SECRET, which seals TOTP secrets (and rotated keys); `undefined` when unset, and TOTP then answers 500. */
  keyEncryptionSecret: string | undefined;
  /** DISABLED_CAPABILITIES: capabilities whose routes answer 404 and leave /openapi.json (the app checks the names). */
  disabledCapabilities: ReadonlySet<string>;
  /** The authorization server: OAUTH_SERVER (`off` also puts `oauth-server` in disabledCapabilities) and OAUTH_RESOURCES. */
  oauthServer: OAuthServerSettings;
  /** SIGN_IN_PAGE_TITLE and SIGN_IN_PAGE_STYLESHEET: the hosted sign-in page's branding. */
  signInPage: SignInPageSettings;
}

/** How mail leaves the worker (always through the mail queue). */
export type MailTransport = 'console' | 'cloudflare' | 'webhook';

/** The account-recovery part of the Config. */
export interface AccountSettings {
  mailTransport: MailTransport;
  /** Sender address; set whenever the transport is not `console`. */
  mailFrom: string | undefined;
  /** `webhook` only: where messages are POSTed and the HMAC secret that signs them. */
  mailWebhook: { url: string; secret: string } | undefined;
  /** Named in every message's subject and text. */
  productName: string;
  /** Pages links open; `undefined`: `/verify-email` or `/reset-password` on the service's own origin. */
  verifyEmailUrl: string | undefined;
  resetPasswordUrl: string | undefined;
  emailVerificationTtlSeconds: number;
  passwordResetTtlSeconds: number;
  requireEmailVerification: boolean;
}

/** The raw variables as Workers hands them over. */
export type RawVars = Partial<Record<string, unknown>>;

const KNOWN_VARIABLES = [
  'JWT_SIGNING_KEYS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'ACCESS_TOKEN_TTL_SECONDS',
  'REFRESH_TOKEN_TTL_SECONDS',
  'REFRESH_REUSE_GRACE_SECONDS',
  'ALLOWED_ORIGINS',
  'COOKIE_SAMESITE',
  'LOGIN_MAX_FAILURES',
  'LOGIN_LOCKOUT_SECONDS',
  'IP_RATE_LIMIT_PER_MINUTE',
  'REVOCATION_CACHE_SECONDS',
  'KEY_ROTATION_DAYS',
  'KEY_ENCRYPTION_SECRET',
  'MAIL_TRANSPORT',
  'MAIL_FROM',
  'MAIL_WEBHOOK_URL',
  'MAIL_WEBHOOK_SECRET',
  'PRODUCT_NAME',
  'VERIFY_EMAIL_URL',
  'RESET_PASSWORD_URL',
  'EMAIL_VERIFICATION_TTL_SECONDS',
  'PASSWORD_RESET_TTL_SECONDS',
  'REQUIRE_EMAIL_VERIFICATION',
  'WEBAUTHN_RP_ID',
  'WEBAUTHN_RP_NAME',
  'OAUTH_PROVIDERS',
  'D1_SHARDS',
  'PUBLIC_ORIGIN',
  'DISABLED_CAPABILITIES',
  'OAUTH_SERVER',
  'OAUTH_RESOURCES',
  'SIGN_IN_PAGE_TITLE',
  'SIGN_IN_PAGE_STYLESHEET',
] as const;

const configCache = new WeakMap<object, Config>();

/**
 * Returns the parsed Config for this environment, parsing it on first use.
 * Throws a ConfigError naming the first variable that does not parse.
 */
export function getConfig(env: RawVars): Config {
  const cached = configCache.get(env);
  if (cached) return cached;
  const config = parseConfig(env);
  configCache.set(env, config);
  return config;
}

/** Parses and validates every variable; never falls back silently. */
export function parseConfig(env: RawVars): Config {
  rejectMisspelledVariables(env);
  const sameSite = parseSameSite(env.COOKIE_SAMESITE);
  const allowedOrigins = parseOrigins('ALLOWED_ORIGINS', env.ALLOWED_ORIGINS);
  if (sameSite === 'None' && allowedOrigins.size === 0) {
    throw new ConfigError('COOKIE_SAMESITE', 'is None, which needs at least one cross-site origin in ALLOWED_ORIGINS');
  }
  const accessTokenTtlSeconds = parseInteger('ACCESS_TOKEN_TTL_SECONDS', env.ACCESS_TOKEN_TTL_SECONDS, 900, 60, MAX_ACCESS_TOKEN_TTL_SECONDS);
  const refreshTokenTtlSeconds = parseInteger('REFRESH_TOKEN_TTL_SECONDS', env.REFRESH_TOKEN_TTL_SECONDS, 2_592_000, 300, 31_536_000);
  if (refreshTokenTtlSeconds <= accessTokenTtlSeconds) {
    throw new ConfigError('REFRESH_TOKEN_TTL_SECONDS', 'must be longer than ACCESS_TOKEN_TTL_SECONDS');
  }
  // The shard map is read where storage routes; parsing it here makes a bad map fail at first use, naming D1_SHARDS.
  const shardMap = parseShardMap(env.D1_SHARDS);
  if (!isUnset(env.D1_SHARDS)) requireShardBindings(shardMap, env);
  const issuer = parseIssuer(env.JWT_ISSUER);
  const publicOrigin = parsePublicOrigin(env.PUBLIC_ORIGIN);
  const oauthServerOn = parseOAuthServerSwitch(env.OAUTH_SERVER);
  checkIssuerMatchesOrigin(oauthServerOn, issuer, publicOrigin);
  const disabledCapabilities = parseNameList('DISABLED_CAPABILITIES', env.DISABLED_CAPABILITIES);
  return {
    signingKeys: parseSigningKeySet(readString('JWT_SIGNING_KEYS', env.JWT_SIGNING_KEYS)),
    issuer,
    publicOrigin,
    audience: parseAudience(env.JWT_AUDIENCE),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    refreshReuseGraceSeconds: parseInteger('REFRESH_REUSE_GRACE_SECONDS', env.REFRESH_REUSE_GRACE_SECONDS, 10, 0, 300),
    allowedOrigins,
    cookieSameSite: sameSite,
    loginMaxFailures: parseInteger('LOGIN_MAX_FAILURES', env.LOGIN_MAX_FAILURES, 5, 1, 1000),
    loginLockoutSeconds: parseInteger('LOGIN_LOCKOUT_SECONDS', env.LOGIN_LOCKOUT_SECONDS, 900, 1, 86_400),
    ipRateLimitPerMinute: parseInteger('IP_RATE_LIMIT_PER_MINUTE', env.IP_RATE_LIMIT_PER_MINUTE, 60, 0, 1_000_000),
    // Past a minute the cache would outlast KV's own propagation: the bound keeps the worst case at about two minutes.
    revocationCacheSeconds: parseInteger('REVOCATION_CACHE_SECONDS', env.REVOCATION_CACHE_SECONDS, 10, 0, 60),
    account: parseAccountSettings(env),
    keyRotation: parseKeyRotation(env),
    webauthn: { rpId: parseRpId(env.WEBAUTHN_RP_ID), rpName: parseRpName(env.WEBAUTHN_RP_NAME) },
    oauthProviders: parseOAuthProviders(env.OAUTH_PROVIDERS),
    keyEncryptionSecret: parseKeyEncryptionSecret(env.KEY_ENCRYPTION_SECRET),
    disabledCapabilities: oauthServerOn ? disabledCapabilities : new Set([...disabledCapabilities, 'oauth-server']),
    signInPage: parseSignInPageSettings(env.SIGN_IN_PAGE_TITLE, env.SIGN_IN_PAGE_STYLESHEET),
    oauthServer: { on: oauthServerOn, resources: parseOAuthResources(env.OAUTH_RESOURCES) },
  };
}

/** A comma-separated list of lower-case names (`totp,passkeys`); empty or unset is none. */
function parseNameList(name: string, value: unknown): ReadonlySet<string> {
  if (isUnset(value)) return new Set();
  if (typeof value !== 'string') throw new ConfigError(name, 'must be a comma-separated list of names');
  const names = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const malformed = names.find((entry) => !/^[a-z][a-z0-9-]{0,31}$/.test(entry));
  if (malformed !== undefined) throw new ConfigError(name, `has ${JSON.stringify(malformed.slice(0, 40))}, which is not a lower-case name`);
  return new Set(names);
}

/** A registrable host name (no scheme, port, path or IP address): browsers refuse anything else as an RP ID. */
function parseRpId(value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const labels = text.split('.');
  if (text.length > 253 || !labels.every((part) => label.test(part)) || /^[0-9.]+$/.test(text)) {
    throw new ConfigError('WEBAUTHN_RP_ID', 'must be a host name like example.com (no scheme, port, path or IP address)');
  }
  return text;
}

function parseRpName(value: unknown): string {
  if (isUnset(value)) return 'edge-auth';
  const text = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (text.length === 0 || text.length > 64 || /[\u0000-\u001F\u007F]/u.test(text)) {
    throw new ConfigError('WEBAUTHN_RP_NAME', 'must be 1 to 64 characters without control characters');
  }
  return text;
}

function parseAccountSettings(env: RawVars): AccountSettings {
  const mailTransport = parseMailTransport(env.MAIL_TRANSPORT);
  const mailFrom = isUnset(env.MAIL_FROM) ? undefined : parseMailFrom(env.MAIL_FROM);
  if (mailTransport !== 'console' && mailFrom === undefined) {
    throw new ConfigError('MAIL_FROM', `must be set to the sender address when MAIL_TRANSPORT is ${mailTransport}`);
  }
  return {
    mailTransport,
    mailFrom,
    mailWebhook: mailTransport === 'webhook' ? parseMailWebhook(env) : undefined,
    productName: parseProductName(env.PRODUCT_NAME),
    verifyEmailUrl: parsePageUrl('VERIFY_EMAIL_URL', env.VERIFY_EMAIL_URL),
    resetPasswordUrl: parsePageUrl('RESET_PASSWORD_URL', env.RESET_PASSWORD_URL),
    emailVerificationTtlSeconds: parseInteger('EMAIL_VERIFICATION_TTL_SECONDS', env.EMAIL_VERIFICATION_TTL_SECONDS, 86_400, 300, 2_592_000),
    passwordResetTtlSeconds: parseInteger('PASSWORD_RESET_TTL_SECONDS', env.PASSWORD_RESET_TTL_SECONDS, 1800, 300, 86_400),
    requireEmailVerification: parseBoolean('REQUIRE_EMAIL_VERIFICATION', env.REQUIRE_EMAIL_VERIFICATION, false),
  };
}

function parseMailTransport(value: unknown): MailTransport {
  if (isUnset(value)) return 'console';
  const text = String(value).trim().toLowerCase();
  if (text === 'console' || text === 'cloudflare' || text === 'webhook') return text;
  throw new ConfigError('MAIL_TRANSPORT', 'must be console, cloudflare or webhook');
}

function parseMailFrom(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(text) || text.length > 254) {
    throw new ConfigError('MAIL_FROM', 'must be a plain sender address like no-reply@example.com');
  }
  return text;
}

function parseMailWebhook(env: RawVars): { url: string; secret: string } {
  const url = parseUrl('MAIL_WEBHOOK_URL', readString('MAIL_WEBHOOK_URL', env.MAIL_WEBHOOK_URL));
  const secret = env.MAIL_WEBHOOK_SECRET;
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new ConfigError('MAIL_WEBHOOK_SECRET', 'must be set to at least 32 random characters when MAIL_TRANSPORT is webhook');
  }
  return { url, secret };
}

function parseProductName(value: unknown): string {
  if (isUnset(value)) return 'edge-auth';
  const text = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (text.length === 0 || text.length > 64 || /[\u0000-\u001F\u007F<>]/u.test(text)) {
    throw new ConfigError('PRODUCT_NAME', 'must be 1 to 64 characters without control characters or angle brackets');
  }
  return text;
}

function parsePageUrl(name: string, value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  const url = parseUrl(name, String(value).trim());
  if (url.includes('#')) throw new ConfigError(name, 'must not contain "#": the token is added after it');
  return url;
}

/** KEY_ENCRYPTION_SECRET, when set, must be long enough to seal with: a short one is refused, never used. */
function parseKeyEncryptionSecret(value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string' || value.length < 32) throw new ConfigError('KEY_ENCRYPTION_SECRET', 'must be at least 32 random characters');
  return value;
}

/** KEY_ROTATION_DAYS turns scheduled rotation on; it then needs a KEY_ENCRYPTION_SECRET of at least 32 characters. */
function parseKeyRotation(env: RawVars): Config['keyRotation'] {
  if (isUnset(env.KEY_ROTATION_DAYS)) return undefined;
  const days = parseInteger('KEY_ROTATION_DAYS', env.KEY_ROTATION_DAYS, 0, 1, 365);
  const secret = env.KEY_ENCRYPTION_SECRET;
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new ConfigError('KEY_ENCRYPTION_SECRET', 'must be set to at least 32 random characters when KEY_ROTATION_DAYS is set');
  }
  return { days, encryptionSecret: secret };
}

function parseSameSite(value: unknown): SameSite {
  if (isUnset(value)) return 'Strict';
  const text = String(value).trim().toLowerCase();
  if (text === 'strict') return 'Strict';
  if (text === 'lax') return 'Lax';
  if (text === 'none') return 'None';
  throw new ConfigError('COOKIE_SAMESITE', 'must be Strict, Lax or None');
}

function parseOrigins(name: string, value: unknown): ReadonlySet<string> {
  if (isUnset(value)) return new Set();
  if (typeof value !== 'string') throw new ConfigError(name, 'must be a comma-separated list of origins');
  const origins = new Set<string>();
  for (const part of value.split(',')) {
    const candidate = part.trim();
    if (candidate === '') continue;
    origins.add(parseOrigin(name, candidate));
  }
  return origins;
}

function parseOrigin(name: string, candidate: string): string {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new ConfigError(name, `holds "${candidate}", which is not an origin like https://app.example.com`);
  }
  const isHttp = url.protocol === 'https:' || url.protocol === 'http:';
  if (!isHttp || url.origin !== candidate.replace(/\/$/, '')) {
    throw new ConfigError(name, `holds "${candidate}", which is not an origin like https://app.example.com`);
  }
  return url.origin;
}

const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** PUBLIC_ORIGIN: an origin (no path), https unless its host is a loopback one. */
function parsePublicOrigin(value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw new ConfigError('PUBLIC_ORIGIN', 'must be an origin like https://auth.example.com');
  const origin = parseOrigin('PUBLIC_ORIGIN', value.trim());
  const url = new URL(origin);
  if (url.protocol !== 'https:' && !LOOPBACK_HOST.test(url.hostname)) {
    throw new ConfigError('PUBLIC_ORIGIN', `holds "${origin}", which must use https (plain http only for a loopback host)`);
  }
  return origin;
}

function parseIssuer(value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string' || value.length > 512) throw new ConfigError('JWT_ISSUER', 'must be a string of at most 512 characters');
  return value.trim();
}

function parseAudience(value: unknown): string {
  if (isUnset(value)) return 'edge-auth';
  if (typeof value !== 'string' || value.length > 512) throw new ConfigError('JWT_AUDIENCE', 'must be a string of at most 512 characters');
  return value.trim();
}

/** A variable one edit away from a known name is almost surely a typo. */
function rejectMisspelledVariables(env: RawVars): void {
  for (const name of Object.keys(env)) {
    if ((KNOWN_VARIABLES as readonly string[]).includes(name)) continue;
    const nearest = KNOWN_VARIABLES.find((known) => isOneEditApart(name.toUpperCase(), known));
    if (nearest) throw new ConfigError(name, `is not a known variable (did you mean ${nearest}?)`);
  }
}
