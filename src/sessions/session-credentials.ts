// The refresh token a new session starts with, and the two hashes its row keeps.

import { newReuseProof, newRefreshToken } from '../core/ids';
import { hashRefreshToken, hashReuseProof } from './refresh-secrets';

/** A new session's first refresh token and what D1 stores of it. */
export interface SessionCredentials {
  refreshToken: string;
  refreshTokenHash: string;
  reuseProofHash: string;
}

/** Draws the session's reuse proof and its first refresh token. */
export async function newSessionCredentials(sessionId: string): Promise<SessionCredentials> {
  const reuseProof = newReuseProof();
  const refreshToken = newRefreshToken(sessionId, reuseProof);
  return { refreshToken, refreshTokenHash: await hashRefreshToken(refreshToken), reuseProofHash: await hashReuseProof(reuseProof) };
}
