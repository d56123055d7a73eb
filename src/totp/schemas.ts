// Request schemas of the TOTP routes, and the one-of rule between a code and a recovery code.

import { AuthError } from '../core/errors';
import { objectSchema, parseWithSchema } from '../http/schema';
import type { SecondFactorInput } from './second-factor';

const code = { type: 'string', description: 'The 6-digit code the authenticator app shows now.', minLength: 1, maxLength: 16 } as const;
const recoveryCode = { type: 'string', description: 'One of the recovery codes shown when TOTP was enabled (dashes and case do not matter); each works once.', minLength: 1, maxLength: 64 } as const;

export const totpEnableBody = objectSchema('TotpEnableRequest', { code });

export const totpDisableBody = objectSchema('TotpDisableRequest', { code: { ...code, optional: true }, recovery_code: { ...recoveryCode, optional: true } });

export const mfaLoginBody = objectSchema('MfaLoginRequest', {
  mfa_token: { type: 'string', description: 'The mfa_token of the 403 mfa_required answer to the password step.', minLength: 1, maxLength: 256 },
  code: { ...code, optional: true },
  recovery_code: { ...recoveryCode, optional: true },
  token_delivery: { type: 'string', description: 'Where the refresh token goes: "cookie" (default) or "body".', enum: ['cookie', 'body'], optional: true },
});

/** Exactly one of `code` and `recovery_code`, or a 400. */
export function secondFactorFrom(body: { code?: string; recovery_code?: string }): SecondFactorInput {
  if (body.code !== undefined && body.recovery_code === undefined) return { kind: 'totp', code: body.code };
  if (body.recovery_code !== undefined && body.code === undefined) return { kind: 'recovery_code', code: body.recovery_code };
  throw new AuthError('invalid_request', 'Send either code or recovery_code, not both and not neither.');
}

/** The typed body of POST /auth/login/mfa. */
export function parseMfaLoginBody(value: unknown): { mfaToken: string; factor: SecondFactorInput; tokenDelivery: 'cookie' | 'body' } {
  const body = parseWithSchema(mfaLoginBody, value);
  return { mfaToken: body.mfa_token, factor: secondFactorFrom(body), tokenDelivery: body.token_delivery ?? 'cookie' };
}
