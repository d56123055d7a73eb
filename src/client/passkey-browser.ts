// Browser helpers for passkeys: run navigator.credentials.create/get with the service's options JSON and post toJSON().

import { AuthClientError } from './errors';
import type { PasskeyCredentialJSON, PasskeyInfo, PasskeyMethods, PasskeyOptionsJSON } from './passkeys';
import type { Proof } from './proof';

type Json = Record<string, unknown>;

function fromBase64Url(text: string): ArrayBuffer {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0)).buffer;
}

function toBase64Url(buffer: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface PublicKeyCredentialStatics {
  parseCreationOptionsFromJSON?: (options: Json) => unknown;
  parseRequestOptionsFromJSON?: (options: Json) => unknown;
}

/** The browser globals these helpers use (typed here: the SDK builds without the DOM library). */
interface BrowserGlobals {
  PublicKeyCredential?: PublicKeyCredentialStatics;
  navigator?: { credentials?: { create(options: unknown): Promise<unknown>; get(options: unknown): Promise<unknown> } };
}

const browser = globalThis as unknown as BrowserGlobals;

function credentialsApi(): NonNullable<NonNullable<BrowserGlobals['navigator']>['credentials']> {
  const api = browser.navigator?.credentials;
  if (!api) throw new AuthClientError('unexpected_response', 'This browser does not support passkeys.');
  return api;
}

function descriptors(list: unknown): unknown {
  return Array.isArray(list) ? list.map((item: Json) => ({ ...item, id: fromBase64Url(String(item.id)) })) : list;
}

/** Creation options for navigator.credentials.create(): the browser's parser where it exists, else the few binary fields decoded here. */
export function parseCreationOptions(options: PasskeyOptionsJSON): unknown {
  const statics = browser.PublicKeyCredential;
  if (statics?.parseCreationOptionsFromJSON) return statics.parseCreationOptionsFromJSON(options);
  const user = options.user as Json;
  return { ...options, challenge: fromBase64Url(options.challenge), user: { ...user, id: fromBase64Url(String(user.id)) }, excludeCredentials: descriptors(options.excludeCredentials) };
}

/** Request options for navigator.credentials.get(), the same way. */
export function parseRequestOptions(options: PasskeyOptionsJSON): unknown {
  const statics = browser.PublicKeyCredential;
  if (statics?.parseRequestOptionsFromJSON) return statics.parseRequestOptionsFromJSON(options);
  return { ...options, challenge: fromBase64Url(options.challenge), allowCredentials: descriptors(options.allowCredentials) };
}

/** A credential's toJSON(), with a fallback for browsers that lack it. */
export function credentialToJSON(credential: unknown): PasskeyCredentialJSON {
  const withJson = credential as { toJSON?: () => PasskeyCredentialJSON };
  if (typeof withJson.toJSON === 'function') return withJson.toJSON();
  const raw = credential as { id: string; rawId: ArrayBuffer; type: string; authenticatorAttachment?: string | null; response: Record<string, unknown>; getClientExtensionResults?: () => Json };
  const response: Json = {};
  for (const key of ['clientDataJSON', 'attestationObject', 'authenticatorData', 'signature', 'userHandle']) {
    const value = raw.response[key];
    if (value instanceof ArrayBuffer) response[key] = toBase64Url(value);
  }
  const transports = (raw.response as { getTransports?: () => string[] }).getTransports?.();
  if (transports) response.transports = transports;
  return { id: raw.id, rawId: toBase64Url(raw.rawId), type: raw.type, response, authenticatorAttachment: raw.authenticatorAttachment ?? null, clientExtensionResults: raw.getClientExtensionResults?.() ?? {} };
}

function noCredential(): AuthClientError {
  return new AuthClientError('unexpected_response', 'The browser returned no passkey.');
}

/**
 * Adds a passkey to the signed-in account with the browser's authenticator,
 * proving the account holder with `proof` (e.g. `{ password }`).
 */
export async function addPasskeyInBrowser(client: Pick<PasskeyMethods, 'passkeyRegistrationOptions' | 'registerPasskey'>, proof: Proof, name?: string): Promise<PasskeyInfo> {
  const options = await client.passkeyRegistrationOptions(proof);
  const credential = await credentialsApi().create({ publicKey: parseCreationOptions(options) });
  if (!credential) throw noCredential();
  return client.registerPasskey(credentialToJSON(credential), name);
}

/**
 * A proof for an account without a password: an assertion of one of its
 * passkeys, asked of the browser (its challenge from the sign-in options).
 */
export async function passkeyProofInBrowser(client: Pick<PasskeyMethods, 'passkeyLoginOptions'>): Promise<Proof> {
  const options = await client.passkeyLoginOptions();
  const credential = await credentialsApi().get({ publicKey: parseRequestOptions(options) });
  if (!credential) throw noCredential();
  return { credential: credentialToJSON(credential) };
}

/** Signs in with a passkey the browser offers (discoverable credentials: no email asked). */
export async function signInWithPasskeyInBrowser(client: Pick<PasskeyMethods, 'passkeyLoginOptions' | 'loginWithPasskeyCredential'>): Promise<void> {
  const options = await client.passkeyLoginOptions();
  const credential = await credentialsApi().get({ publicKey: parseRequestOptions(options) });
  if (!credential) throw noCredential();
  await client.loginWithPasskeyCredential(credentialToJSON(credential));
}
