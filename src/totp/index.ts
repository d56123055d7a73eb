// The TOTP capability: the second factor, its recovery codes and the second sign-in step; the factor is a way in.

import type { AdminViewPart } from '../admin/responses';
import { isoFromSeconds } from '../core/time';
import type { Capability } from '../http/capability';
import { addMfaRoutes } from './routes';
import { TOTP_STEP_SECONDS } from './totp';
import { deleteTotpStatements, readTotpFactor } from './totp-factor-rows';

/** TOTP second factor. */
export const totpCapability: Capability = {
  name: 'totp',
  canBeDisabled: true,
  addRoutes: addMfaRoutes,
  // The factor, its recovery codes and pending second steps.
  waysIn: { remove: deleteTotpStatements },
  async adminView(db, userId): Promise<AdminViewPart> {
    const factor = await readTotpFactor(db, userId);
    // A factor set up but never enabled guards nothing: it is not shown.
    if (factor?.enabledAt == null) return { factors: [] };
    const lastUsedAt = factor.lastUsedStep > 0 ? isoFromSeconds(factor.lastUsedStep * TOTP_STEP_SECONDS) : null;
    return { factors: [{ id: 'totp', type: 'totp', name: null, created_at: isoFromSeconds(factor.enabledAt), last_used_at: lastUsedAt }] };
  },
  sweeps: [
    // An mfa_token past its 5 minutes can never finish a sign-in.
    { key: 'mfaTokens', sql: 'DELETE FROM mfa_tokens WHERE token_hash IN (SELECT token_hash FROM mfa_tokens WHERE expires_at <= ?1 LIMIT ?2)', cutoff: (now) => now },
  ],
};
