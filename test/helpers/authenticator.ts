// A software WebAuthn authenticator for tests: a real ES256 (or Ed25519) key made with WebCrypto,
// attestation "none", and real clientDataJSON, authenticatorData and CBOR attestation objects.
// Every field can be bent, so each attack case is one override away from a good response.

import type { AuthenticationResponseJSON, CreationOptionsJSON, RegistrationResponseJSON, RequestOptionsJSON } from '../../src/passkeys/webauthn/json';

const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** A CBOR value this encoder writes: integers, text, bytes and maps (enough for COSE keys and attestation objects). */
type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function cborHead(major: number, value: number): Uint8Array {
  if (value < 24) return Uint8Array.of((major << 5) | value);
  if (value < 0x100) return Uint8Array.of((major << 5) | 24, value);
  if (value < 0x10000) return Uint8Array.of((major << 5) | 25, value >> 8, value & 0xff);
  return Uint8Array.of((major << 5) | 26, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** Encodes a value as CBOR (RFC 8949), definite lengths only. */
export function encodeCbor(value: Cbor): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = encoder.encode(value);
    return concat(cborHead(3, bytes.byteLength), bytes);
  }
  if (value instanceof Uint8Array) return concat(cborHead(2, value.byteLength), value);
  const entries = [...value.entries()].map(([key, item]) => concat(encodeCbor(key), encodeCbor(item)));
  return concat(cborHead(5, value.size), ...entries);
}

/** Raw ECDSA r || s (what WebCrypto signs) as the DER SEQUENCE WebAuthn sends. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    let body = bytes.subarray(start);
    if ((body[0] ?? 0) & 0x80) body = concat(Uint8Array.of(0), body);
    return concat(Uint8Array.of(0x02, body.length), body);
  };
  const sequence = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  return concat(Uint8Array.of(0x30, sequence.length), sequence);
}

/** What a test may bend in a ceremony. */
export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  userVerified?: boolean;
  /** Flags to add (e.g. 0x08 | 0x10 for a synced passkey). */
  extraFlags?: number;
  crossOrigin?: boolean;
}

/** Sign-in overrides on top of the ceremony's. */
export interface AssertionOverrides extends CeremonyOverrides {
  /** The counter to report instead of the next one. */
  signCount?: number;
  /** base64url userHandle instead of the registered user's; `null` sends none. */
  userHandle?: string | null;
  /** Flip a bit of the signature. */
  corruptSignature?: boolean;
  /** Sign with another key than the registered one. */
  signWith?: CryptoKey;
}

export type AuthenticatorAlgorithm = 'ES256' | 'EdDSA';

/** One credential on a software authenticator. */
export class SoftwareAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(32));
  /** The counter; `keepsCounter: false` leaves it at 0 forever. */
  signCount = 0;
  /** user.id of the registration: the userHandle this credential answers with. */
  userHandle: string | null = null;

  private constructor(
    readonly algorithm: AuthenticatorAlgorithm,
    readonly keyPair: CryptoKeyPair,
    readonly options: { keepsCounter: boolean; flags: number },
  ) {}

  /** A new credential with its own key pair. `flags` adds BE/BS bits to every ceremony. */
  static async create(options: { algorithm?: AuthenticatorAlgorithm; keepsCounter?: boolean; flags?: number } = {}): Promise<SoftwareAuthenticator> {
    const algorithm = options.algorithm ?? 'ES256';
    const parameters = algorithm === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519', namedCurve: 'Ed25519' };
    const keyPair = (await crypto.subtle.generateKey(parameters, true, ['sign', 'verify'])) as CryptoKeyPair;
    return new SoftwareAuthenticator(algorithm, keyPair, { keepsCounter: options.keepsCounter ?? true, flags: options.flags ?? 0 });
  }

  get id(): string {
    return toBase64Url(this.credentialId);
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey('jwk', this.keyPair.publicKey)) as JsonWebKey;
    if (this.algorithm === 'ES256') {
      return encodeCbor(new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, fromBase64Url(jwk.x ?? '')], [-3, fromBase64Url(jwk.y ?? '')]]));
    }
    return encodeCbor(new Map<number, Cbor>([[1, 1], [3, -8], [-1, 6], [-2, fromBase64Url(jwk.x ?? '')]]));
  }

  private clientData(kind: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string, overrides: CeremonyOverrides): Uint8Array {
    return encoder.encode(
      JSON.stringify({ type: overrides.type ?? kind, challenge: overrides.challenge ?? challenge, origin: overrides.origin ?? origin, crossOrigin: overrides.crossOrigin ?? false }),
    );
  }

  private async authenticatorDataHead(rpId: string, overrides: CeremonyOverrides, attested: boolean, signCount: number): Promise<Uint8Array> {
    const flags = 0x01 | (overrides.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0) | this.options.flags | (overrides.extraFlags ?? 0);
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, signCount, false);
    return concat(await sha256(encoder.encode(overrides.rpId ?? rpId)), Uint8Array.of(flags), counter);
  }

  private nextCount(): number {
    if (!this.options.keepsCounter) return 0;
    this.signCount += 1;
    return this.signCount;
  }

  /** What navigator.credentials.create() would give for these options, as toJSON(). */
  async register(options: CreationOptionsJSON, origin: string, overrides: CeremonyOverrides = {}): Promise<RegistrationResponseJSON> {
    this.userHandle = options.user.id;
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, origin, overrides);
    const idLength = Uint8Array.of(this.credentialId.length >> 8, this.credentialId.length & 0xff);
    const authenticatorData = concat(await this.authenticatorDataHead(options.rp.id, overrides, true, this.nextCount()), new Uint8Array(16), idLength, this.credentialId, await this.coseKey());
    const attestationObject = encodeCbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authenticatorData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: toBase64Url(clientDataJSON), attestationObject: toBase64Url(attestationObject), transports: ['internal'] },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /** What navigator.credentials.get() would give for these options, as toJSON(). */
  async assert(options: RequestOptionsJSON, origin: string, overrides: AssertionOverrides = {}): Promise<AuthenticationResponseJSON> {
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, origin, overrides);
    const count = overrides.signCount ?? this.nextCount();
    const authenticatorData = await this.authenticatorDataHead(options.rpId, overrides, false, count);
    const message = concat(authenticatorData, await sha256(clientDataJSON));
    const key = overrides.signWith ?? this.keyPair.privateKey;
    const signed = new Uint8Array(
      await crypto.subtle.sign(this.algorithm === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' }, key, message as BufferSource),
    );
    const signature = this.algorithm === 'ES256' ? rawToDer(signed) : signed;
    if (overrides.corruptSignature) signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
    const userHandle = overrides.userHandle === undefined ? this.userHandle : overrides.userHandle;
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authenticatorData),
        signature: toBase64Url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}

/** The base64url `user.id` a registration gives for one of our user ids. */
export function userHandleFor(userId: string): string {
  return toBase64Url(encoder.encode(userId));
}
