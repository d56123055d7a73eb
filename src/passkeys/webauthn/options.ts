// The options JSON of both ceremonies, and their challenges (random, prefixed with the shard that stores them).

import { base64UrlToBytes, bytesToBase64Url, randomBytes, utf8 } from '../../core/encoding';
import type { CreationOptionsJSON, CredentialDescriptorJSON, RequestOptionsJSON } from './json';
import { SUPPORTED_COSE_ALGORITHMS } from './public-key';

/** A challenge lives this long (and the browser is told to give up after it). */
export const CHALLENGE_TTL_SECONDS = 300;
/** Random bytes in every challenge: 256 bits. */
const CHALLENGE_RANDOM_BYTES = 32;

/**
 * A new challenge (base64url): the ASCII shard name and a dot ("00."), then
 * 256 random bits, so a sign-in, which has no user yet, can find the shard
 * that stores it from the challenge alone.
 */
export function newChallenge(shard: string): string {
  const prefix = utf8(`${shard}.`);
  const bytes = new Uint8Array(prefix.byteLength + CHALLENGE_RANDOM_BYTES);
  bytes.set(prefix, 0);
  bytes.set(randomBytes(CHALLENGE_RANDOM_BYTES), prefix.byteLength);
  return bytesToBase64Url(bytes);
}

/** The shard named at the start of a challenge, or `null` when it names none. */
export function shardOfChallenge(challenge: string): string | null {
  const bytes = base64UrlToBytes(challenge);
  if (bytes === null || bytes.byteLength !== 3 + CHALLENGE_RANDOM_BYTES) return null;
  const prefix = String.fromCharCode(...bytes.subarray(0, 3));
  return /^[0-9a-z]{2}\.$/.test(prefix) ? prefix.slice(0, 2) : null;
}

/** Who a new passkey is for, and the passkeys the account already has (excluded, so an authenticator is not registered twice). */
export interface CreationOptionsInput {
  rp: { id: string; name: string };
  user: { id: string; email: string };
  challenge: string;
  existingCredentials: readonly CredentialDescriptorJSON[];
}

/**
 * Creation options for a discoverable passkey with user verification and no
 * attestation. `user.id` is the UTF-8 of our user id, which a sign-in gets
 * back as `userHandle`.
 */
export function creationOptions(input: CreationOptionsInput): CreationOptionsJSON {
  return {
    rp: { id: input.rp.id, name: input.rp.name },
    user: { id: bytesToBase64Url(utf8(input.user.id)), name: input.user.email, displayName: input.user.email },
    challenge: input.challenge,
    pubKeyCredParams: SUPPORTED_COSE_ALGORITHMS.map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    excludeCredentials: [...input.existingCredentials],
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    attestation: 'none',
    extensions: { credProps: true },
  };
}

/** Request options for a sign-in with any discoverable passkey of this relying party. */
export function requestOptions(rpId: string, challenge: string): RequestOptionsJSON {
  return { challenge, rpId, timeout: CHALLENGE_TTL_SECONDS * 1000, allowCredentials: [], userVerification: 'required' };
}
