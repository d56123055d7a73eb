// Passkey ceremonies against the app with the software authenticator: options, registration, sign-in.

import type { CreationOptionsJSON, RequestOptionsJSON } from '../../src/passkeys/webauthn/json';
import { SoftwareAuthenticator, type AssertionOverrides, type CeremonyOverrides } from './authenticator';
import { BASE_URL, DEFAULT_PASSWORD, sendWithBearer, type TestClient } from './client';

export const SERVICE_ORIGIN = BASE_URL;

/** The proof a protected action sends: by default the password every test user gets. */
export type Proof = { password: string } | { code: string } | { credential: unknown } | Record<string, never>;

/** The proof of a test user with the default password. */
export const PASSWORD_PROOF: Proof = { password: DEFAULT_PASSWORD };

/** POST /auth/passkeys/registration-options with a proof; throws unless 200. */
export async function registrationOptions(client: TestClient, accessToken: string, proof: Proof = PASSWORD_PROOF): Promise<CreationOptionsJSON> {
  const response = await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', accessToken, proof);
  if (response.status !== 200) throw new Error(`registration-options failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { options: CreationOptionsJSON }).options;
}

/** POST /auth/passkeys/login-options; throws unless 200. */
export async function loginOptions(client: TestClient, headers: Record<string, string> = {}): Promise<RequestOptionsJSON> {
  const response = await client.fetch('/auth/passkeys/login-options', { method: 'POST', headers });
  if (response.status !== 200) throw new Error(`login-options failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { options: RequestOptionsJSON }).options;
}

/** Fresh options, the authenticator's response (bent by `overrides`), and POST /auth/passkeys: the raw answer. */
export async function registerPasskey(
  client: TestClient,
  accessToken: string,
  authenticator: SoftwareAuthenticator,
  overrides: CeremonyOverrides = {},
  name?: string,
  proof: Proof = PASSWORD_PROOF,
): Promise<Response> {
  const options = await registrationOptions(client, accessToken, proof);
  const credential = await authenticator.register(options, SERVICE_ORIGIN, overrides);
  return sendWithBearer(client, 'POST', '/auth/passkeys', accessToken, name === undefined ? { credential } : { credential, name });
}

/** A new ES256 authenticator registered to the user (with `proof`); throws unless 201. */
export async function addPasskey(
  client: TestClient,
  accessToken: string,
  options: Parameters<typeof SoftwareAuthenticator.create>[0] = {},
  proof: Proof = PASSWORD_PROOF,
): Promise<SoftwareAuthenticator> {
  const authenticator = await SoftwareAuthenticator.create(options);
  const response = await registerPasskey(client, accessToken, authenticator, {}, undefined, proof);
  if (response.status !== 201) throw new Error(`passkey registration failed: ${response.status} ${await response.text()}`);
  return authenticator;
}

/** A passkey assertion as the proof of a protected action: fresh sign-in options, signed by `authenticator`. */
export async function passkeyProof(client: TestClient, authenticator: SoftwareAuthenticator): Promise<Proof> {
  return { credential: await authenticator.assert(await loginOptions(client), SERVICE_ORIGIN) };
}

/** DELETE /auth/passkeys/:id with a proof in the JSON body. */
export function deletePasskey(client: TestClient, accessToken: string, id: string, proof: Proof = PASSWORD_PROOF): Promise<Response> {
  return sendWithBearer(client, 'DELETE', `/auth/passkeys/${id}`, accessToken, proof);
}

/** POST /auth/passkeys/login with a given credential body. */
export function postPasskeyLogin(client: TestClient, body: unknown): Promise<Response> {
  return client.postJson('/auth/passkeys/login', body);
}

/** Fresh sign-in options, the authenticator's assertion (bent by `overrides`), and POST /auth/passkeys/login. */
export async function signInWithPasskey(
  client: TestClient,
  authenticator: SoftwareAuthenticator,
  overrides: AssertionOverrides = {},
  delivery?: 'cookie' | 'body',
): Promise<Response> {
  const options = await loginOptions(client);
  const credential = await authenticator.assert(options, SERVICE_ORIGIN, overrides);
  return postPasskeyLogin(client, delivery === undefined ? { credential } : { credential, token_delivery: delivery });
}

/** The error code of a JSON error answer. */
export async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}
