// The passkeys capability: WebAuthn registration, sign-in and management; a passkey is a way in; expired challenges swept.

import type { AdminViewPart } from '../admin/responses';
import { isoFromSeconds } from '../core/time';
import type { Capability } from '../http/capability';
import { deleteUserPasskeysStatements, listPasskeys } from './passkey-rows';
import { addPasskeyRoutes } from './routes';

/** Passkeys (WebAuthn). */
export const passkeysCapability: Capability = {
  name: 'passkeys',
  canBeDisabled: true,
  addRoutes: addPasskeyRoutes,
  // The passkeys and their pending registration challenges.
  waysIn: { remove: deleteUserPasskeysStatements },
  async adminView(db, userId): Promise<AdminViewPart> {
    const passkeys = await listPasskeys(db, userId);
    return {
      factors: passkeys.map((passkey) => ({
        id: passkey.credentialId,
        type: 'passkey',
        name: passkey.name,
        created_at: isoFromSeconds(passkey.createdAt),
        last_used_at: passkey.lastUsedAt === null ? null : isoFromSeconds(passkey.lastUsedAt),
      })),
    };
  },
  sweeps: [
    // A challenge past its expiry can never be consumed.
    {
      key: 'webauthnChallenges',
      sql: 'DELETE FROM webauthn_challenges WHERE challenge IN (SELECT challenge FROM webauthn_challenges WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: (now) => now,
    },
  ],
};
