// Response-body schemas: route handlers build their bodies as these types, and /openapi.json describes them.

import * as v from 'valibot';
import { STATUS_BY_CODE, type ErrorCode } from '../core/errors';
import { namedSchema } from './schema';

const isoTime = (description: string) => v.pipe(v.string(), v.isoTimestamp(), v.description(description));
const seconds = (description: string) => v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));
const nullableText = (description: string) => v.pipe(v.nullable(v.string()), v.description(description));

/** `{"error","message"}`: every error the service answers. */
export const errorResponse = namedSchema(
  'Error',
  v.strictObject({
    error: v.pipe(v.picklist(Object.keys(STATUS_BY_CODE) as ErrorCode[]), v.description('A stable code to branch on.')),
    message: v.pipe(v.string(), v.description('One sentence for a person; never echoes what was sent.')),
  }),
);

/** The answer of login and refresh. */
export const tokenResponse = namedSchema(
  'TokenResponse',
  v.strictObject({
    access_token: v.pipe(v.string(), v.description('A JWT (typ at+jwt) for Authorization: Bearer.')),
    token_type: v.literal('Bearer'),
    expires_in: seconds('Seconds until the access token expires.'),
    refresh_token: v.optional(v.pipe(v.string(), v.description('Only with body delivery: the (rotated) refresh token.'))),
    refresh_token_expires_in: v.optional(seconds('Only with body delivery: seconds until the session ends.')),
  }),
);
export type TokenResponse = v.InferOutput<typeof tokenResponse.schema>;

/** The answer of register. */
export const registeredUserResponse = namedSchema(
  'RegisteredUserResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.string(), email_verified: v.boolean(), created_at: isoTime('When the account was created.') }),
  }),
);
export type RegisteredUserResponse = v.InferOutput<typeof registeredUserResponse.schema>;

/** The answer of GET /auth/me. */
export const meResponse = namedSchema(
  'MeResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.string(), email_verified: v.boolean(), roles: v.array(v.string()) }),
    session_id: v.string(),
  }),
);
export type MeResponse = v.InferOutput<typeof meResponse.schema>;

/** The answer of GET /auth/sessions. */
export const sessionsResponse = namedSchema(
  'SessionsResponse',
  v.strictObject({
    sessions: v.array(
      v.strictObject({
        id: v.string(),
        created_at: isoTime('When the session signed in.'),
        last_used_at: isoTime('The last refresh.'),
        expires_at: isoTime('When the session ends unless refreshed.'),
        user_agent: nullableText('User-Agent at sign-in.'),
        ip: nullableText('Client address at sign-in.'),
        country: nullableText('Country at sign-in, when Cloudflare knows it.'),
        current: v.pipe(v.boolean(), v.description('True for the session of the token that asked.')),
      }),
    ),
  }),
);
export type SessionsResponse = v.InferOutput<typeof sessionsResponse.schema>;

/** The answer of GET /auth/events. */
export const eventsResponse = namedSchema(
  'EventsResponse',
  v.strictObject({
    events: v.array(
      v.strictObject({
        type: v.pipe(v.string(), v.description('What happened, e.g. login_succeeded, lockout, session_deleted.')),
        created_at: isoTime('When it happened.'),
        session_id: nullableText('The session it concerns.'),
        ip: nullableText('Client address.'),
        user_agent: nullableText('User-Agent.'),
        country: nullableText('Country, when Cloudflare knows it.'),
      }),
    ),
  }),
);
export type EventsResponse = v.InferOutput<typeof eventsResponse.schema>;

/** GET /.well-known/jwks.json. */
export const jwksResponse = namedSchema(
  'JwkSet',
  v.strictObject({
    keys: v.array(
      v.strictObject({
        kty: v.picklist(['OKP', 'EC', 'RSA']),
        kid: v.string(),
        alg: v.picklist(['EdDSA', 'ES256', 'RS256']),
        use: v.literal('sig'),
        crv: v.optional(v.picklist(['Ed25519', 'P-256'])),
        x: v.optional(v.string()),
        y: v.optional(v.string()),
        n: v.optional(v.string()),
        e: v.optional(v.string()),
      }),
    ),
  }),
);

const probe = v.picklist(['ok', 'failed']);

/** GET /health. */
export const healthResponse = namedSchema(
  'HealthResponse',
  v.strictObject({ ok: v.literal(true), d1: v.optional(v.literal('ok')), kv: v.optional(v.literal('ok')) }),
);
export type HealthResponse = v.InferOutput<typeof healthResponse.schema>;

/** GET /health?deep=1 when a dependency fails: the error shape plus which one. */
export const healthFailureResponse = namedSchema(
  'HealthFailureResponse',
  v.strictObject({ error: v.literal('service_unavailable'), message: v.string(), ok: v.literal(false), d1: probe, kv: probe }),
);
export type HealthFailureResponse = v.InferOutput<typeof healthFailureResponse.schema>;

/** GET /openapi.json. */
export const openApiResponse = namedSchema(
  'OpenApiDocument',
  v.looseObject({ openapi: v.literal('3.1.0'), info: v.looseObject({}), paths: v.record(v.string(), v.unknown()) }),
);

/** `{}`: the answer of a route that accepted a request and queues mail. */
export const acceptedResponse = namedSchema('AcceptedResponse', v.strictObject({}));
export type AcceptedResponse = v.InferOutput<typeof acceptedResponse.schema>;

/** The answer of POST /auth/email/verify: the user, with the address now in use and verified. */
export const verifiedUserResponse = namedSchema(
  'VerifiedUserResponse',
  v.strictObject({
    user: v.strictObject({ id: v.string(), email: v.pipe(v.string(), v.description('The address now in use (the new one after an email change).')), email_verified: v.literal(true) }),
  }),
);
export type VerifiedUserResponse = v.InferOutput<typeof verifiedUserResponse.schema>;

// Passkeys (WebAuthn Level 3 JSON).

const credentialDescriptor = v.object({ type: v.literal('public-key'), id: v.string(), transports: v.optional(v.array(v.string())) });

/** 200 of POST /auth/passkeys/registration-options. */
export const registrationOptionsResponse = namedSchema(
  'PasskeyRegistrationOptions',
  v.strictObject({
    options: v.pipe(
      v.object({
        rp: v.object({ id: v.string(), name: v.string() }),
        user: v.object({ id: v.pipe(v.string(), v.description('base64url of the UTF-8 user id.')), name: v.string(), displayName: v.string() }),
        challenge: v.string(),
        pubKeyCredParams: v.array(v.object({ type: v.literal('public-key'), alg: v.number() })),
        timeout: v.number(),
        excludeCredentials: v.array(credentialDescriptor),
        authenticatorSelection: v.object({ residentKey: v.literal('required'), requireResidentKey: v.literal(true), userVerification: v.literal('required') }),
        attestation: v.literal('none'),
        extensions: v.object({ credProps: v.literal(true) }),
      }),
      v.description('PublicKeyCredentialCreationOptionsJSON, for PublicKeyCredential.parseCreationOptionsFromJSON().'),
    ),
  }),
);

/** 200 of POST /auth/passkeys/login-options. */
export const loginOptionsResponse = namedSchema(
  'PasskeyLoginOptions',
  v.strictObject({
    options: v.pipe(
      v.object({ challenge: v.string(), rpId: v.string(), timeout: v.number(), allowCredentials: v.array(credentialDescriptor), userVerification: v.literal('required') }),
      v.description('PublicKeyCredentialRequestOptionsJSON, for PublicKeyCredential.parseRequestOptionsFromJSON().'),
    ),
  }),
);

/** 201 of POST /auth/passkeys. */
export const passkeyCreatedResponse = namedSchema(
  'PasskeyCreated',
  v.strictObject({ passkey: v.strictObject({ id: v.pipe(v.string(), v.description('The credential id (base64url).')), name: v.string(), created_at: isoTime('When it was registered.') }) }),
);

/** 200 of GET /auth/passkeys. */
export const passkeysResponse = namedSchema(
  'PasskeysResponse',
  v.strictObject({
    passkeys: v.array(
      v.strictObject({
        id: v.pipe(v.string(), v.description('The credential id (base64url).')),
        name: v.string(),
        created_at: isoTime('When it was registered.'),
        last_used_at: v.pipe(v.nullable(v.pipe(v.string(), v.isoTimestamp())), v.description('The last sign-in with it, or null.')),
      }),
    ),
  }),
);

export type PasskeysResponse = v.InferOutput<typeof passkeysResponse.schema>;
export type PasskeyCreatedResponse = v.InferOutput<typeof passkeyCreatedResponse.schema>;

// Sign-in with other providers.

/** 200 of GET /auth/oauth: the configured providers, for "Continue with …" buttons. */
export const oauthProvidersResponse = namedSchema(
  'OAuthProvidersResponse',
  v.strictObject({
    providers: v.array(
      v.strictObject({
        id: v.pipe(v.string(), v.description('The provider id in /auth/oauth/<id>.')),
        type: v.pipe(v.picklist(['github', 'google', 'oidc']), v.description('GitHub, Google, or a generic OpenID Connect provider.')),
      }),
    ),
  }),
);
export type OAuthProvidersResponse = v.InferOutput<typeof oauthProvidersResponse.schema>;

/** 200 of GET /auth/identities. */
export const identitiesResponse = namedSchema(
  'IdentitiesResponse',
  v.strictObject({
    identities: v.array(
      v.strictObject({
        id: v.string(),
        provider: v.pipe(v.string(), v.description('The provider id it signs in with.')),
        email: nullableText('The address the provider gave when it was linked.'),
        created_at: isoTime('When it was linked.'),
      }),
    ),
  }),
);
export type IdentitiesResponse = v.InferOutput<typeof identitiesResponse.schema>;
// TOTP.

/** 200 of POST /auth/mfa/totp/setup. */
export const totpSetupResponse = namedSchema(
  'TotpSetup',
  v.strictObject({
    secret: v.pipe(v.string(), v.description('The secret in base32, for typing into an authenticator app.')),
    otpauth_uri: v.pipe(v.string(), v.description('The otpauth://totp/ URI to show as a QR code (SHA1, 6 digits, 30 s).')),
  }),
);
export type TotpSetupResponse = v.InferOutput<typeof totpSetupResponse.schema>;

/** 200 of POST /auth/mfa/totp/enable. */
export const recoveryCodesResponse = namedSchema(
  'RecoveryCodes',
  v.strictObject({ recovery_codes: v.pipe(v.array(v.string()), v.length(10), v.description('Ten single-use codes, shown this once: the service keeps only their hashes.')) }),
);
export type RecoveryCodesResponse = v.InferOutput<typeof recoveryCodesResponse.schema>;

/** 403 of POST /auth/login: a second factor is needed, or (with REQUIRE_EMAIL_VERIFICATION) the address is unverified. */
export const loginForbiddenResponse = namedSchema(
  'LoginForbidden',
  v.union([
    v.strictObject({
      error: v.literal('mfa_required'),
      message: v.string(),
      mfa_token: v.pipe(v.string(), v.description('Send it to POST /auth/login/mfa with a code; it allows 5 codes within 5 minutes and works once.')),
      methods: v.pipe(v.array(v.picklist(['totp', 'recovery_code'])), v.description('The second factors this account can use.')),
    }),
    v.strictObject({ error: v.literal('email_not_verified'), message: v.string() }),
  ]),
);
