// TOTP test helpers: turn TOTP on for a signed-in user and compute codes on the test's own clock.
import { base32ToBytes as decodeBase32, totpCodeForStep, totpStepAt, TOTP_STEP_SECONDS } from '../../src/totp/totp';
import { DEFAULT_PASSWORD, sendWithBearer, type SignedInUser, type TestClient } from './client';

/** A base32 secret as an authenticator app reads it. */
export function base32ToBytes(text: string): Uint8Array {
  const bytes = decodeBase32(text);
  if (!bytes) throw new Error('not base32');
  return bytes;
}

/** The code an authenticator app with this secret shows at the client's clock, `stepOffset` steps away. */
export function codeAt(client: TestClient, secret: Uint8Array, stepOffset = 0): string {
  return totpCodeForStep(secret, totpStepAt(Math.floor(client.clock.now() / 1000)) + stepOffset);
}

/** A user with TOTP on: the secret and the recovery codes. */
export interface TotpUser {
  secret: Uint8Array;
  recoveryCodes: string[];
}

/**
 * Sets TOTP up (with `proof`, by default the test user's password) and enables it with the current code, then moves the clock
 * one step on (the enabling code's step is used up, as a real app's would be).
 */
export async function enableTotp(client: TestClient, user: Pick<SignedInUser, 'accessToken'>, proof: Record<string, unknown> = { password: DEFAULT_PASSWORD }): Promise<TotpUser> {
  const setup = await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, proof);
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const { secret } = (await setup.json()) as { secret: string };
  const bytes = base32ToBytes(secret);
  const enabled = await sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code: await codeAt(client, bytes) });
  if (enabled.status !== 200) throw new Error(`enable failed: ${enabled.status} ${await enabled.text()}`);
  const { recovery_codes } = (await enabled.json()) as { recovery_codes: string[] };
  client.clock.advanceSeconds(TOTP_STEP_SECONDS);
  return { secret: bytes, recoveryCodes: recovery_codes };
}

/** The password step: returns the mfa_token of the 403 mfa_required answer. */
export async function passwordStep(client: TestClient, email: string, password: string): Promise<string> {
  const response = await client.postJson('/auth/login', { email, password });
  const body = (await response.json()) as { error?: string; mfa_token?: string };
  if (response.status !== 403 || body.error !== 'mfa_required' || !body.mfa_token) throw new Error(`expected mfa_required, got ${response.status} ${JSON.stringify(body)}`);
  return body.mfa_token;
}

/** POST /auth/login/mfa with a TOTP code or a recovery code. */
export function mfaStep(client: TestClient, mfaToken: string, factor: { code: string } | { recovery_code: string }, extra: Record<string, unknown> = {}): Promise<Response> {
  return client.postJson('/auth/login/mfa', { mfa_token: mfaToken, ...factor, ...extra });
}
