// The SDK's account recovery and verification calls: verification links, password reset, email change, deletion.

import { errorFromResponse } from './errors';
import { proofFields, type Proof } from './proof';
import type { VerifiedUser } from './types';
import { readVerifiedUser } from './wire';

/** What the account calls need from the client that owns them. */
export interface AccountTransport {
  /** An anonymous JSON POST to the service. */
  postJson(path: string, body: unknown): Promise<Response>;
  /** A JSON POST with the access token (refreshed and retried once on a 401). */
  postJsonWithBearer(path: string, body: unknown): Promise<Response>;
  /** Gets a fresh access token now (new claims such as `email_verified`), when signed in. */
  refreshIfSignedIn(): Promise<void>;
  /** Forgets the session here and in every tab. */
  endSession(): Promise<void>;
}

/** Account recovery and verification methods of an AuthClient. */
export interface AccountMethods {
  /** Mails a new verification link to the signed-in user's address (nothing when it is verified). */
  requestEmailVerification(): Promise<void>;
  /** Uses a verification or email-change link's token; a signed-in client then refreshes its token. */
  verifyEmail(token: string): Promise<VerifiedUser>;
  /** Mails a reset link if the address has an account; resolves the same either way. */
  requestPasswordReset(email: string): Promise<void>;
  /** Sets a new password with a reset link's token; every session ends, so sign in afterwards. */
  resetPassword(token: string, newPassword: string): Promise<void>;
  /** Asks to move the account to `newEmail`, with a proof; it changes once the link mailed there is used. */
  changeEmail(newEmail: string, proof: Proof): Promise<void>;
  /** Deletes the account and everything stored about it, with a proof, then signs this client out. */
  deleteAccount(proof: Proof): Promise<void>;
}

async function expectStatus(response: Response, status: number): Promise<void> {
  if (response.status !== status) throw await errorFromResponse(response);
  await response.body?.cancel();
}

/** Builds the account methods over the client's transport. */
export function createAccountMethods(transport: AccountTransport): AccountMethods {
  return {
    async requestEmailVerification() {
      await expectStatus(await transport.postJsonWithBearer('/auth/email/verification', {}), 202);
    },
    async verifyEmail(token) {
      const response = await transport.postJson('/auth/email/verify', { token });
      if (response.status !== 200) throw await errorFromResponse(response);
      const user = await readVerifiedUser(response);
      await transport.refreshIfSignedIn();
      return user;
    },
    async requestPasswordReset(email) {
      await expectStatus(await transport.postJson('/auth/password/forgot', { email }), 202);
    },
    async resetPassword(token, newPassword) {
      await expectStatus(await transport.postJson('/auth/password/reset', { token, new_password: newPassword }), 204);
    },
    async changeEmail(newEmail, proof) {
      await expectStatus(await transport.postJsonWithBearer('/auth/email/change', { new_email: newEmail, ...proofFields(proof) }), 202);
    },
    async deleteAccount(proof) {
      await expectStatus(await transport.postJsonWithBearer('/auth/account/delete', proofFields(proof)), 204);
      await transport.endSession();
    },
  };
}
