// The random values of one provider sign-in (state, browser binding, PKCE verifier, nonce) and the hashes D1 keeps.

import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';

/** A provider sign-in lives at most this long between its start and its callback. */
export const OAUTH_FLOW_TTL_SECONDS = 600;

/** The secrets of a new flow, each 256 random bits, base64url. */
export interface FlowSecrets {
  /** Sent to the provider and back in the callback URL. */
  state: string;
  /** Kept only in the browser's __Host- binding cookie. */
  binding: string;
  /** PKCE (RFC 7636): the provider sees only its S256 challenge until the token exchange. */
  codeVerifier: string;
  /** OpenID Connect: must come back inside the ID token. */
  nonce: string;
}

const random256 = () => bytesToBase64Url(randomBytes(32));

/** Draws the secrets of a new flow. */
export function newFlowSecrets(): FlowSecrets {
  return { state: random256(), binding: random256(), codeVerifier: random256(), nonce: random256() };
}

/** SHA-256 (hex) of a flow secret under its own label: the only form D1 stores of the state and the binding. */
export async function hashFlowSecret(label: 'state' | 'binding', value: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`oauth-${label}:${value}`))));
}
