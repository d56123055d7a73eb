// The passkeys capability: WebAuthn registration, sign-in and management; a passkey is a way in; expired challenges swept.

import type { Capability } from '../http/capability';
import { deleteUserPasskeysStatements } from './passkey-rows';
import { addPasskeyRoutes } from './routes';

/** Passkeys (WebAuthn). */
export const passkeysCapability: Capability = {
  name: 'passkeys',
  canBeDisabled: true,
  addRoutes: addPasskeyRoutes,
  // The passkeys and their pending registration challenges.
  waysIn: { remove: deleteUserPasskeysStatements },
  sweeps: [
    // A challenge past its expiry can never be consumed.
    {
      key: 'webauthnChallenges',
      sql: 'DELETE FROM webauthn_challenges WHERE challenge IN (SELECT challenge FROM webauthn_challenges WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: (now) => now,
    },
  ],
};
