// The SDK's passkey calls: registration options and registration, the list, removal, sign-in options and sign-in.

import { errorFromResponse } from './errors';
import { proofFields, type Proof } from './proof';

/** WebAuthn Level 3 options JSON as the service sends it (for `PublicKeyCredential.parse…OptionsFromJSON`). */
export type PasskeyOptionsJSON = Record<string, unknown> & { challenge: string };

/** A credential's `toJSON()` (RegistrationResponseJSON or AuthenticationResponseJSON). */
export interface PasskeyCredentialJSON {
  id: string;
  rawId: string;
  type: string;
  response: object;
  authenticatorAttachment?: string | null;
  clientExtensionResults?: object;
}

/** One registered passkey. */
export interface PasskeyInfo {
  /** The credential id (base64url). */
  id: string;
  name: string;
  createdAt: string;
  /** The last sign-in with it, or `null`. */
  lastUsedAt: string | null;
}

/** What the passkey calls need from the client that owns them. */
export interface PasskeyTransport {
  postJson(path: string, body: unknown): Promise<Response>;
  /** A bearer call (refreshed and retried once on a 401). */
  withBearer(path: string, method: string, body?: unknown): Promise<Response>;
  /** Takes a login-style token response: stores the refresh token and signs this client in. */
  adoptTokenResponse(response: Response, sentAt: number): Promise<void>;
  now(): number;
  /** Where this client wants its refresh token. */
  tokenDelivery: 'cookie' | 'body';
}

/** Passkey methods of an AuthClient. */
export interface PasskeyMethods {
  /** Creation options for a new passkey, with a proof (`{ password }`, or see `Proof`); their challenge binds `registerPasskey`. */
  passkeyRegistrationOptions(proof: Proof): Promise<PasskeyOptionsJSON>;
  /** Registers the browser's RegistrationResponseJSON. */
  registerPasskey(credential: PasskeyCredentialJSON, name?: string): Promise<PasskeyInfo>;
  listPasskeys(): Promise<PasskeyInfo[]>;
  /** Removes a passkey, with a proof (refused for the last way to sign in). */
  removePasskey(id: string, proof: Proof): Promise<void>;
  /** Request options for a passkey sign-in. */
  passkeyLoginOptions(): Promise<PasskeyOptionsJSON>;
  /** Signs in with the browser's AuthenticationResponseJSON; opens a session like `login`. */
  loginWithPasskeyCredential(credential: PasskeyCredentialJSON): Promise<void>;
}

async function readJson<T>(response: Response, status: number): Promise<T> {
  if (response.status !== status) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

interface WirePasskey {
  id: string;
  name: string;
  created_at: string;
  last_used_at?: string | null;
}

function passkeyFromWire(wire: WirePasskey): PasskeyInfo {
  return { id: wire.id, name: wire.name, createdAt: wire.created_at, lastUsedAt: wire.last_used_at ?? null };
}

/** Builds the passkey methods over the client's transport. */
export function createPasskeyMethods(transport: PasskeyTransport): PasskeyMethods {
  return {
    async passkeyRegistrationOptions(proof) {
      return (await readJson<{ options: PasskeyOptionsJSON }>(await transport.withBearer('/auth/passkeys/registration-options', 'POST', proofFields(proof)), 200)).options;
    },
    async registerPasskey(credential, name) {
      const body = name === undefined ? { credential } : { credential, name };
      return passkeyFromWire((await readJson<{ passkey: WirePasskey }>(await transport.withBearer('/auth/passkeys', 'POST', body), 201)).passkey);
    },
    async listPasskeys() {
      return (await readJson<{ passkeys: WirePasskey[] }>(await transport.withBearer('/auth/passkeys', 'GET'), 200)).passkeys.map(passkeyFromWire);
    },
    async removePasskey(id, proof) {
      const response = await transport.withBearer(`/auth/passkeys/${encodeURIComponent(id)}`, 'DELETE', proofFields(proof));
      if (response.status !== 204) throw await errorFromResponse(response);
    },
    async passkeyLoginOptions() {
      return (await readJson<{ options: PasskeyOptionsJSON }>(await transport.postJson('/auth/passkeys/login-options', {}), 200)).options;
    },
    async loginWithPasskeyCredential(credential) {
      const sentAt = transport.now();
      const response = await transport.postJson('/auth/passkeys/login', { credential, token_delivery: transport.tokenDelivery });
      if (!response.ok) throw await errorFromResponse(response);
      await transport.adoptTokenResponse(response, sentAt);
    },
  };
}
