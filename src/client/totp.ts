// The SDK's TOTP calls: setup, enable, disable, and finishing a sign-in that answered mfa_required.

import { errorFromResponse } from './errors';
import type { PasskeyTransport } from './passkeys';
import { proofFields, type Proof } from './proof';

/** A second factor: a code from the authenticator app, or one of the recovery codes. */
export type SecondFactor = { code: string } | { recoveryCode: string };

/** A pending TOTP secret: type `secret` into an app, or show `otpauthUri` as a QR code. */
export interface TotpSetup {
  secret: string;
  otpauthUri: string;
}

/** TOTP methods of an AuthClient. */
export interface TotpMethods {
  /** Starts TOTP with a proof (`{ password }`, or see `Proof`); nothing changes until `enableTotp`. */
  setUpTotp(proof: Proof): Promise<TotpSetup>;
  /** Turns TOTP on with a first code; resolves to the ten recovery codes, shown this once. */
  enableTotp(code: string): Promise<string[]>;
  /** Turns TOTP off with a current code or a recovery code (the code is the proof). */
  disableTotp(factor: SecondFactor): Promise<void>;
  /**
   * Finishes a sign-in whose `login` rejected with `mfa_required` (pass the
   * error's `mfaToken`), or a provider sign-in that came back with one
   * (`providerMfaTokenOf`), with a code. Opens the session like `login`.
   */
  completeMfaLogin(mfaToken: string, factor: SecondFactor): Promise<void>;
}

function factorBody(factor: SecondFactor): Record<string, string> {
  return 'code' in factor ? { code: factor.code } : { recovery_code: factor.recoveryCode };
}

/** Builds the TOTP methods over the client's transport. */
export function createTotpMethods(transport: PasskeyTransport): TotpMethods {
  return {
    async setUpTotp(proof) {
      const response = await transport.withBearer('/auth/mfa/totp/setup', 'POST', proofFields(proof));
      if (response.status !== 200) throw await errorFromResponse(response);
      const body = (await response.json()) as { secret: string; otpauth_uri: string };
      return { secret: body.secret, otpauthUri: body.otpauth_uri };
    },
    async enableTotp(code) {
      const response = await transport.withBearer('/auth/mfa/totp/enable', 'POST', { code });
      if (response.status !== 200) throw await errorFromResponse(response);
      return ((await response.json()) as { recovery_codes: string[] }).recovery_codes;
    },
    async disableTotp(factor) {
      const response = await transport.withBearer('/auth/mfa/totp/disable', 'POST', factorBody(factor));
      if (response.status !== 204) throw await errorFromResponse(response);
    },
    async completeMfaLogin(mfaToken, factor) {
      const sentAt = transport.now();
      const response = await transport.postJson('/auth/login/mfa', { mfa_token: mfaToken, ...factorBody(factor), token_delivery: transport.tokenDelivery });
      if (!response.ok) throw await errorFromResponse(response);
      await transport.adoptTokenResponse(response, sentAt);
    },
  };
}
