// Request and response schemas of the passkey routes (WebAuthn Level 3 JSON), for validation and /openapi.json.

import * as v from 'valibot';
import { parseWithSchema, text, type AnySchema, type ObjectSchema } from '../http/schema';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from './webauthn/json';

/** A base64url field of a credential (bodies are capped at 16 KiB anyway). */
const base64url = (description: string) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.maxLength(8192), v.description(description));
const attachment = v.optional(v.nullable(v.picklist(['platform', 'cross-platform'])));
const extensionResults = v.pipe(v.record(v.string(), v.unknown()), v.description('clientExtensionResults as the browser reports them (not used).'));
const tokenDelivery = v.optional(
  v.nullable(v.pipe(v.picklist(['cookie', 'body']), v.description('"cookie" (default) sets the HttpOnly refresh cookie; "body" returns refresh_token in the JSON.'))),
);

const registrationCredential = v.pipe(
  v.object({
    id: base64url('The credential id.'),
    rawId: base64url('The credential id (equal to id).'),
    type: v.literal('public-key'),
    response: v.object({
      clientDataJSON: base64url('Client data JSON.'),
      attestationObject: base64url('Attestation object (CBOR; format "none").'),
      transports: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(32))), v.maxLength(16))),
      authenticatorData: v.optional(base64url('Authenticator data (also inside the attestation object).')),
      publicKey: v.optional(base64url('SubjectPublicKeyInfo of the key (the attestation object is what counts).')),
      publicKeyAlgorithm: v.optional(v.number()),
    }),
    authenticatorAttachment: attachment,
    clientExtensionResults: extensionResults,
  }),
  v.description('RegistrationResponseJSON: toJSON() of the credential navigator.credentials.create() returned.'),
);

/** An AuthenticationResponseJSON (a passkey sign-in, or a passkey as the proof of a protected action). */
export const authenticationCredential = v.pipe(
  v.object({
    id: base64url('The credential id.'),
    rawId: base64url('The credential id (equal to id).'),
    type: v.literal('public-key'),
    response: v.object({
      clientDataJSON: base64url('Client data JSON.'),
      authenticatorData: base64url('Authenticator data.'),
      signature: base64url('The assertion signature.'),
      userHandle: v.optional(v.nullable(base64url('user.id of the passkey: the account it signs in to.'))),
    }),
    authenticatorAttachment: attachment,
    clientExtensionResults: extensionResults,
  }),
  v.description('AuthenticationResponseJSON: toJSON() of the credential navigator.credentials.get() returned.'),
);

/** A request body with a credential: a strict object whose string fields still get the usual messages. */
export function credentialBody(name: string, entries: Record<string, AnySchema>, fields: ObjectSchema['fields']): ObjectSchema {
  return { name, fields, schema: v.strictObject(entries) };
}

const nameField = { type: 'string', description: 'A name for the passkey (1 to 64 characters); "Passkey" when absent.', minLength: 1, maxLength: 64, optional: true } as const;

export const passkeyRegistrationBody = credentialBody(
  'PasskeyRegistrationRequest',
  { credential: registrationCredential, name: v.nullish(text(nameField.description, nameField)) },
  { name: nameField },
);

export const passkeyLoginBody = credentialBody('PasskeyLoginRequest', { credential: authenticationCredential, token_delivery: tokenDelivery }, {
  token_delivery: { type: 'string', description: 'Where the refresh token goes.', enum: ['cookie', 'body'], optional: true },
});

/** The typed body of POST /auth/passkeys. */
export function parsePasskeyRegistrationBody(value: unknown): { credential: RegistrationResponseJSON; name?: string } {
  return parseWithSchema(passkeyRegistrationBody, value) as unknown as { credential: RegistrationResponseJSON; name?: string };
}

/** The typed body of POST /auth/passkeys/login. */
export function parsePasskeyLoginBody(value: unknown): { credential: AuthenticationResponseJSON; token_delivery?: 'cookie' | 'body' } {
  return parseWithSchema(passkeyLoginBody, value) as unknown as { credential: AuthenticationResponseJSON; token_delivery?: 'cookie' | 'body' };
}
