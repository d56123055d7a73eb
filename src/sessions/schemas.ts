// Request-body schema of refresh and logout: the refresh token, for clients that take it in the body.

import { objectSchema } from '../http/schema';

export const refreshBody = objectSchema('RefreshRequest', {
  refresh_token: { type: 'string', description: 'The refresh token, for clients that use body delivery.', minLength: 1, maxLength: 256, optional: true },
});
