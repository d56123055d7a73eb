// Request-body schemas of the account recovery and verification routes (validation and /openapi.json).

import { objectSchema, text } from '../http/schema';
import { proofBody } from '../proof/proof-schemas';

const linkToken = { type: 'string', description: 'The token from the link, the part after "#token=".', minLength: 1, maxLength: 256 } as const;

export const verifyEmailBody = objectSchema('VerifyEmailRequest', { token: linkToken });

export const forgotPasswordBody = objectSchema('ForgotPasswordRequest', {
  email: { type: 'string', description: 'The address of the account; the answer is the same whether or not it has one.', minLength: 3, maxLength: 320, format: 'email' },
});

export const resetPasswordBody = objectSchema('ResetPasswordRequest', {
  token: linkToken,
  new_password: { type: 'string', description: '8 to 128 characters; common passwords are refused.', minLength: 1, maxLength: 1024, format: 'password' },
});

const newEmail = { type: 'string', description: 'The address to move the account to; it changes once its link is used.', minLength: 3, maxLength: 320, format: 'email' } as const;

/** POST /auth/email/change: the new address and a proof (see proof-schemas.ts). */
export const emailChangeBody = proofBody('EmailChangeRequest', { new_email: text(newEmail.description, newEmail) }, { new_email: newEmail });
