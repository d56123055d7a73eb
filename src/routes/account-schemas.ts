// Request-body schemas of the account recovery and verification routes (validation and /openapi.json).

import { objectSchema } from '../http/schema';

const linkToken = { type: 'string', description: 'The token from the link, the part after "#token=".', minLength: 1, maxLength: 256 } as const;
const currentPassword = {
  type: 'string',
  description: 'The current password; required when the account has one.',
  minLength: 1,
  maxLength: 1024,
  format: 'password',
  optional: true,
} as const;

export const verifyEmailBody = objectSchema('VerifyEmailRequest', { token: linkToken });

export const forgotPasswordBody = objectSchema('ForgotPasswordRequest', {
  email: { type: 'string', description: 'The address of the account; the answer is the same whether or not it has one.', minLength: 3, maxLength: 320, format: 'email' },
});

export const resetPasswordBody = objectSchema('ResetPasswordRequest', {
  token: linkToken,
  new_password: { type: 'string', description: '8 to 128 characters; common passwords are refused.', minLength: 1, maxLength: 1024, format: 'password' },
});

export const emailChangeBody = objectSchema('EmailChangeRequest', {
  new_email: { type: 'string', description: 'The address to move the account to; it changes once its link is used.', minLength: 3, maxLength: 320, format: 'email' },
  password: currentPassword,
});

export const accountDeleteBody = objectSchema('AccountDeleteRequest', { password: currentPassword });
