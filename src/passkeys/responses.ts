// Response-body schemas of the passkeys capability (WebAuthn Level 3 JSON options, the passkey list).

import * as v from 'valibot';
import { isoTime, namedSchema } from '../http/schema';

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
