// The proof fields a protected action's body carries (password, TOTP code or passkey assertion), for validation and /openapi.json.

import * as v from 'valibot';
import type { ProofInput } from './proof';
import { parseWithSchema, text, type AnySchema, type ObjectSchema, type StringField } from '../http/schema';
import type { AuthenticationResponseJSON } from '../passkeys/webauthn/json';
import { authenticationCredential, credentialBody } from '../passkeys/schemas';

/** The string proof fields, as the OpenAPI document and the error messages name them. */
export const proofFields = {
  password: {
    type: 'string',
    description: 'The current password: the proof an account with a password gives.',
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    optional: true,
  },
  code: {
    type: 'string',
    description: 'Without a password: the 6-digit code the authenticator app shows now (when TOTP is on).',
    minLength: 1,
    maxLength: 16,
    optional: true,
  },
} as const satisfies Record<string, StringField>;

const proofEntries: Record<string, AnySchema> = {
  password: v.nullish(text(proofFields.password.description, proofFields.password)),
  code: v.nullish(text(proofFields.code.description, proofFields.code)),
  credential: v.nullish(
    v.pipe(authenticationCredential, v.description('Without a password: an assertion of one of the account\'s passkeys, its challenge from POST /auth/passkeys/login-options.')),
  ),
};

/**
 * A request body carrying one proof (see "Account and factor lifecycle"),
 * with the action's own fields beside it.
 */
export function proofBody(name: string, entries: Record<string, AnySchema> = {}, fields: ObjectSchema['fields'] = {}): ObjectSchema {
  return credentialBody(name, { ...entries, ...proofEntries }, { ...fields, ...proofFields });
}

/** The proof of a parsed proof body. */
export function proofFrom(body: { password?: string; code?: string; credential?: unknown }): ProofInput {
  return {
    ...(body.password === undefined ? {} : { password: body.password }),
    ...(body.code === undefined ? {} : { code: body.code }),
    ...(body.credential === undefined ? {} : { credential: body.credential as AuthenticationResponseJSON }),
  };
}

/** Parses a body that carries only a proof (an absent body is no proof). */
export function parseProofBody(schema: ObjectSchema, value: unknown): ProofInput {
  return value === undefined ? {} : proofFrom(parseWithSchema(schema, value) as { password?: string; code?: string; credential?: unknown });
}

/** The proof of POST /auth/passkeys/registration-options (its challenge then binds the registration). */
export const passkeyRegistrationOptionsBody = proofBody('PasskeyRegistrationOptionsRequest');

/** The proof of DELETE /auth/passkeys/:id. */
export const passkeyRemovalBody = proofBody('PasskeyRemovalRequest');

/** The proof of POST /auth/mfa/totp/setup (its pending secret then binds the enabling code). */
export const totpSetupBody = proofBody('TotpSetupRequest');

/** The proof of DELETE /auth/identities/:id. */
export const identityUnlinkBody = proofBody('IdentityUnlinkRequest');

/** The proof of POST /auth/account/delete. */
export const accountDeleteBody = proofBody('AccountDeleteRequest');
