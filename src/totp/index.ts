// The TOTP capability: the second factor, its recovery codes and the second sign-in step; the factor is a way in.

import type { Capability } from '../http/capability';
import { addMfaRoutes } from './routes';
import { deleteTotpStatements } from './totp-factor-rows';

/** TOTP second factor. */
export const totpCapability: Capability = {
  name: 'totp',
  canBeDisabled: true,
  addRoutes: addMfaRoutes,
  // The factor, its recovery codes and pending second steps.
  waysIn: { remove: deleteTotpStatements },
  sweeps: [
    // An mfa_token past its 5 minutes can never finish a sign-in.
    { key: 'mfaTokens', sql: 'DELETE FROM mfa_tokens WHERE token_hash IN (SELECT token_hash FROM mfa_tokens WHERE expires_at <= ?1 LIMIT ?2)', cutoff: (now) => now },
  ],
};
