// Request-body schemas of the password routes: they validate requests and describe them in /openapi.json.

import { objectSchema } from '../http/schema';

const email = { type: 'string', description: 'Email address; trimmed and compared case-insensitively.', minLength: 3, maxLength: 320, format: 'email' } as const;

export const registerBody = objectSchema('RegisterRequest', {
  email,
  password: { type: 'string', description: '8 to 128 characters; common passwords are refused.', minLength: 1, maxLength: 1024, format: 'password' },
});

export const loginBody = objectSchema('LoginRequest', {
  email,
  password: { type: 'string', description: 'The account password.', minLength: 1, maxLength: 1024, format: 'password' },
  token_delivery: {
    type: 'string',
    description: '"cookie" (default, browsers) sets an HttpOnly cookie; "body" returns refresh_token in the JSON for non-browser clients.',
    enum: ['cookie', 'body'],
    optional: true,
  },
});

export const passwordChangeBody = objectSchema('PasswordChangeRequest', {
  current_password: { type: 'string', description: 'The password the account has now.', minLength: 1, maxLength: 1024, format: 'password' },
  new_password: { type: 'string', description: '8 to 128 characters; common passwords are refused.', minLength: 1, maxLength: 1024, format: 'password' },
});
