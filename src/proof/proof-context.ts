// What the proof of a protected action needs from a request: the lockout, TOTP's sealing secret, the passkey relying party.

import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { relyingPartyFor } from '../passkeys/management';
import type { ProofContext } from './proof';
import { lockoutPolicyFor } from '../password/throttle';

/** The proof context of this request (see requireProof). */
export function proofContextFor(c: Context<AppEnv>): ProofContext {
  const config = c.var.config;
  return {
    env: c.env,
    nowSeconds: c.var.nowSeconds,
    lockout: lockoutPolicyFor(config),
    client: readClientInfo(c.req.raw),
    encryptionSecret: config.keyEncryptionSecret,
    rp: relyingPartyFor(config, c.req.raw),
  };
}

/** The 401 and 403 answers every proof-protected route documents. */
export const PROOF_RESPONSES = {
  401: 'invalid_token, or invalid_credentials: a wrong proof (it counts towards the account lockout).',
  403: 'reauthentication_required: no proof was sent (a recent sign-in alone is not one; an account with no password may rely on a provider sign-in of the last 5 minutes).',
  429: 'too_many_attempts: the account is locked after repeated wrong proofs or passwords.',
} as const;
