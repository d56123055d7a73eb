// The catalogue of forged access tokens every verifier must refuse, one named case each.

import {
  assembleToken,
  base64Url,
  casesForKeys,
  configuredKey,
  decodeToken,
  encodeSegment,
  generateSigningJwk,
  publicJwkOf,
  publicKeyEncodings,
  resignWithConfiguredKey,
  signHs256,
  signSigningInput,
  signWithJwk,
  without,
  type ForgeContext,
  type ForgedTokenCase,
  type ForgeSigningJwk,
  type JsonObject,
} from './forge';

const encoder = new TextEncoder();
/** Far enough past any clock-skew allowance (30 s in edge-auth). */
const WELL_PAST_SKEW_SECONDS = 120;

function parts(context: ForgeContext): { header: string; payload: string; signature: string } {
  const [header = '', payload = '', signature = ''] = context.validToken.split('.');
  return { header, payload, signature };
}

function claimCase(name: string, payload: (claims: JsonObject, now: number) => JsonObject): ForgedTokenCase {
  return { group: 'claims', name, build: (context) => resignWithConfiguredKey(context, { payload: (claims) => payload(claims, context.nowSeconds) }) };
}

function headerCase(group: string, name: string, header: (header: JsonObject) => JsonObject): ForgedTokenCase {
  return { group, name, build: (context) => resignWithConfiguredKey(context, { header }) };
}

/** A token signed by an attacker's own key whose header claims a configured kid. */
async function signedByAttacker(context: ForgeContext, alg: 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'PS256', extraHeader: (publicJwk: ForgeSigningJwk) => JsonObject = () => ({})): Promise<string> {
  const { header, payload } = decodeToken(context.validToken);
  const attacker = await generateSigningJwk(alg);
  return signWithJwk({ ...header, alg, ...extraHeader(publicJwkOf(attacker)) }, payload, attacker);
}

const algNoneCases: ForgedTokenCase[] = ['none', 'None', 'NONE', 'nOnE'].flatMap((alg) => [
  {
    group: 'alg-none',
    name: `alg "${alg}" with an empty signature`,
    build: async (context: ForgeContext) => assembleToken({ ...decodeToken(context.validToken).header, alg }, decodeToken(context.validToken).payload, ''),
  },
  {
    group: 'alg-none',
    name: `alg "${alg}" keeping the original signature`,
    build: async (context: ForgeContext) => {
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken({ ...header, alg }, payload, parts(context).signature);
    },
  },
]);

const signatureCases: ForgedTokenCase[] = [
  { group: 'signature', name: 'empty signature', build: async (context) => `${parts(context).header}.${parts(context).payload}.` },
  { group: 'signature', name: 'no signature segment at all', build: async (context) => `${parts(context).header}.${parts(context).payload}` },
  { group: 'signature', name: 'truncated signature', build: async (context) => context.validToken.slice(0, -12) },
  {
    group: 'signature',
    name: 'one signature character changed',
    build: async (context) => {
      const { header, payload, signature } = parts(context);
      const middle = Math.floor(signature.length / 2);
      return `${header}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    },
  },
  {
    group: 'signature',
    name: 'payload changed after signing (roles: admin)',
    build: async (context) => {
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken(header, { ...payload, roles: ['admin'] }, parts(context).signature);
    },
  },
  {
    group: 'signature',
    name: 'payload changed after signing (another sub)',
    build: async (context) => {
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken(header, { ...payload, sub: '00.AAAAAAAAAAAAAAAAAAAAAA' }, parts(context).signature);
    },
  },
  {
    group: 'signature',
    name: 'header changed after signing (other configured kid)',
    build: async (context) => {
      const { header } = decodeToken(context.validToken);
      const other = context.signingKeys.find((key) => key.kid !== header.kid) ?? { kid: 'another-key', alg: 'ES256' };
      return `${encodeSegment({ ...header, kid: other.kid, alg: other.alg })}.${parts(context).payload}.${parts(context).signature}`;
    },
  },
];

const hmacConfusionCases: ForgedTokenCase[] = ['EdDSA', 'ES256', 'RS256'].flatMap((alg) =>
  (['pem', 'der', 'jwk-json', 'raw'] as const).map(
    (encoding): ForgedTokenCase => ({
      group: 'key-confusion',
      requires: [alg],
      name: `HS256 signed with the ${alg} public key as ${encoding}`,
      build: async (context) => {
        const key = configuredKey(context, alg);
        const secret = (await publicKeyEncodings(key))[encoding];
        const { header, payload } = decodeToken(context.validToken);
        return signHs256({ ...header, alg: 'HS256', kid: key.kid }, payload, secret);
      },
    }),
  ),
);

const weakSecretCases: ForgedTokenCase[] = ['', 'secret', 'password', 'changeme', 'edge-auth', 'your-256-bit-secret', 'jwt-secret'].map((secret) => ({
  group: 'weak-secret',
  name: `HS256 with ${secret === '' ? 'an empty secret' : `the secret "${secret}"`}`,
  build: async (context) => {
    const { header, payload } = decodeToken(context.validToken);
    return signHs256({ ...header, alg: 'HS256' }, payload, encoder.encode(secret));
  },
}));

const ATTACKER_URL = 'https://attacker.invalid/keys.json';

const keySourceCases: ForgedTokenCase[] = [
  { group: 'key-source', name: 'jwk header carrying the attacker key', build: (context) => signedByAttacker(context, 'EdDSA', (publicJwk) => ({ jwk: publicJwk })) },
  { group: 'key-source', name: 'jwk header without kid', build: (context) => signedByAttacker(context, 'ES256', (jwk) => ({ jwk, kid: undefined })) },
  { group: 'key-source', name: 'jku header pointing at the attacker', build: (context) => signedByAttacker(context, 'EdDSA', () => ({ jku: ATTACKER_URL, kid: 'attacker-key' })) },
  { group: 'key-source', name: 'x5u header pointing at the attacker', build: (context) => signedByAttacker(context, 'RS256', () => ({ x5u: ATTACKER_URL, kid: 'attacker-key' })) },
  { group: 'key-source', name: 'x5c header with an attacker chain', build: (context) => signedByAttacker(context, 'RS256', () => ({ x5c: [base64Url(crypto.getRandomValues(new Uint8Array(300)))] })) },
  // Genuinely signed by our key: the header names a key source, which alone must be refused.
  headerCase('key-source', 'jku header on an otherwise genuine token', (header) => ({ ...header, jku: ATTACKER_URL })),
  headerCase('key-source', 'x5u header on an otherwise genuine token', (header) => ({ ...header, x5u: ATTACKER_URL })),
  headerCase('key-source', 'jwk header on an otherwise genuine token', (header) => ({ ...header, jwk: { kty: 'OKP', crv: 'Ed25519', x: base64Url(new Uint8Array(32)) } })),
  headerCase('key-source', 'x5c header on an otherwise genuine token', (header) => ({ ...header, x5c: ['MIIB'] })),
];

const hostileKids = ['../../../../etc/passwd', '..\\..\\windows\\win.ini', "x' OR '1'='1", 'x"; DROP TABLE users; --', '$(curl attacker.invalid)', '`id`', 'a; rm -rf /', 'kid\u0000.json', '/dev/null', 'https://attacker.invalid/key'];

const kidCases: ForgedTokenCase[] = [
  ...hostileKids.map((kid): ForgedTokenCase => ({
    group: 'kid',
    name: `kid ${JSON.stringify(kid)} signed by the attacker`,
    build: (context) => signedByAttacker(context, 'EdDSA', () => ({ kid })),
  })),
  ...hostileKids.slice(0, 3).map((kid) => headerCase('kid', `kid ${JSON.stringify(kid)} on an otherwise genuine token`, (header) => ({ ...header, kid }))),
  headerCase('kid', 'no kid on an otherwise genuine token', (header) => without(header, 'kid')),
  headerCase('kid', 'numeric kid', (header) => ({ ...header, kid: 1 })),
  {
    group: 'kid',
    name: 'kid of the EdDSA key on a token signed by the configured ES256 key',
    requires: ['EdDSA', 'ES256'],
    build: async (context) => {
      const eddsa = configuredKey(context, 'EdDSA');
      const signed = await resignWithConfiguredKey(context, { alg: 'ES256' });
      const { header, payload } = decodeToken(signed);
      return assembleToken({ ...header, kid: eddsa.kid }, payload, signed.split('.')[2]);
    },
  },
];

const psychicCases: ForgedTokenCase[] = [
  {
    group: 'psychic-signature',
    name: 'ES256 with r = s = 0 (64 zero bytes)',
    requires: ['ES256'],
    build: async (context) => {
      const key = configuredKey(context, 'ES256');
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken({ ...header, alg: 'ES256', kid: key.kid }, payload, base64Url(new Uint8Array(64)));
    },
  },
  {
    group: 'psychic-signature',
    name: 'ES256 with r = s = 0 in DER form',
    requires: ['ES256'],
    build: async (context) => {
      const key = configuredKey(context, 'ES256');
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken({ ...header, alg: 'ES256', kid: key.kid }, payload, base64Url(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])));
    },
  },
  {
    group: 'psychic-signature',
    name: 'EdDSA with an all-zero signature',
    requires: ['EdDSA'],
    build: async (context) => {
      const key = configuredKey(context, 'EdDSA');
      const { header, payload } = decodeToken(context.validToken);
      return assembleToken({ ...header, alg: 'EdDSA', kid: key.kid }, payload, base64Url(new Uint8Array(64)));
    },
  },
];

const critCases: ForgedTokenCase[] = [
  headerCase('crit', 'unknown crit extension', (header) => ({ ...header, crit: ['exp-tls'], 'exp-tls': true })),
  headerCase('crit', 'crit naming a header that is absent', (header) => ({ ...header, crit: ['urn:attacker:policy'] })),
  headerCase('crit', 'empty crit list', (header) => ({ ...header, crit: [] })),
  headerCase('crit', 'b64: false (unencoded payload)', (header) => ({ ...header, b64: false, crit: ['b64'] })),
];

const algorithmCases: ForgedTokenCase[] = [
  { group: 'algorithm', name: 'PS256 signed with the configured RSA key', requires: ['RS256'], build: (context) => rsaAs(context, 'PS256') },
  { group: 'algorithm', name: 'RS384 signed with the configured RSA key', requires: ['RS256'], build: (context) => rsaAs(context, 'RS384') },
  { group: 'algorithm', name: 'PS256 signed by an attacker key', requires: ['RS256'], build: (context) => signedByAttacker(context, 'PS256', () => ({ kid: configuredKey(context, 'RS256').kid })) },
  { group: 'algorithm', name: 'ES384 signed by an attacker key', requires: ['ES256'], build: (context) => signedByAttacker(context, 'ES384', () => ({ kid: configuredKey(context, 'ES256').kid })) },
  { group: 'algorithm', name: 'HS256 with a random secret and a configured kid', build: async (context) => signHs256({ ...decodeToken(context.validToken).header, alg: 'HS256' }, decodeToken(context.validToken).payload, crypto.getRandomValues(new Uint8Array(32))) },
  { group: 'algorithm', name: 'HS512 header on a genuine EdDSA signature', build: async (context) => assembleToken({ ...decodeToken(context.validToken).header, alg: 'HS512' }, decodeToken(context.validToken).payload, parts(context).signature) },
  { group: 'algorithm', name: 'EdDSA signed by an attacker key with a configured kid', requires: ['EdDSA'], build: (context) => signedByAttacker(context, 'EdDSA', () => ({ kid: configuredKey(context, 'EdDSA').kid })) },
  { group: 'algorithm', name: 'alg missing from the header', build: async (context) => assembleToken(without(decodeToken(context.validToken).header, 'alg'), decodeToken(context.validToken).payload, parts(context).signature) },
];

async function rsaAs(context: ForgeContext, alg: 'PS256' | 'RS384'): Promise<string> {
  const key = configuredKey(context, 'RS256');
  const { header, payload } = decodeToken(context.validToken);
  return signWithJwk({ ...header, alg, kid: key.kid }, payload, key, alg);
}

const structureCases: ForgedTokenCase[] = [
  { group: 'structure', name: 'two segments', build: async (context) => `${parts(context).header}.${parts(context).payload}` },
  { group: 'structure', name: 'four segments', build: async (context) => `${context.validToken}.${parts(context).signature}` },
  { group: 'structure', name: 'five segments (JWE shape)', build: async (context) => `${parts(context).header}..${parts(context).payload}.${parts(context).signature}.AAAA` },
  { group: 'structure', name: 'base64 padding on every segment', build: async (context) => context.validToken.split('.').map((segment) => `${segment}==`).join('.') },
  { group: 'structure', name: 'standard base64 characters (+ and /)', build: async (context) => `${parts(context).header}.${parts(context).payload.replace(/-/g, '+').replace(/_/g, '/')}+/.${parts(context).signature}` },
  { group: 'structure', name: 'non-base64 characters', build: async (context) => `${parts(context).header}.${parts(context).payload}!*.${parts(context).signature}` },
  { group: 'structure', name: 'header that is not JSON', build: async (context) => `${encodeSegment('{"alg":"EdDSA",')}.${parts(context).payload}.${parts(context).signature}` },
  { group: 'structure', name: 'payload that is not JSON', build: (context) => resignRaw(context, encodeSegment('not json at all')) },
  { group: 'structure', name: 'payload that is a JSON array', build: (context) => resignRaw(context, encodeSegment('[1,2,3]')) },
  { group: 'structure', name: 'payload that is a JSON string', build: (context) => resignRaw(context, encodeSegment('"sub"')) },
  { group: 'structure', name: 'header that is a JSON array', build: async (context) => `${encodeSegment('["EdDSA"]')}.${parts(context).payload}.${parts(context).signature}` },
  { group: 'structure', name: 'empty segments', build: async () => '..' },
  { group: 'structure', name: 'a single dot-free string', build: async () => 'eyJhbGciOiJub25lIn0' },
  { group: 'structure', name: 'a 1 MB token', build: async (context) => `${parts(context).header}.${'A'.repeat(1024 * 1024)}.${parts(context).signature}` },
  { group: 'structure', name: 'the valid token twice, joined', build: async (context) => `${context.validToken}${context.validToken}` },
];

/** Signs an arbitrary payload segment with the configured signing key. */
async function resignRaw(context: ForgeContext, payloadSegment: string): Promise<string> {
  const { header } = decodeToken(context.validToken);
  const key = configuredKey(context, String(header.alg));
  return signSigningInput(`${parts(context).header}.${payloadSegment}`, key, key.alg);
}

const claimCases: ForgedTokenCase[] = [
  claimCase('expired well past the allowed skew', (claims, now) => ({ ...claims, iat: now - 1000, exp: now - WELL_PAST_SKEW_SECONDS })),
  claimCase('nbf well in the future', (claims, now) => ({ ...claims, nbf: now + WELL_PAST_SKEW_SECONDS })),
  claimCase('iat well in the future', (claims, now) => ({ ...claims, iat: now + WELL_PAST_SKEW_SECONDS, exp: now + 900 })),
  claimCase('iss of another service', (claims) => ({ ...claims, iss: 'https://attacker.invalid' })),
  claimCase('iss with a trailing slash', (claims) => ({ ...claims, iss: `${String(claims.iss)}/` })),
  claimCase('iss in upper case', (claims) => ({ ...claims, iss: String(claims.iss).toUpperCase() })),
  claimCase('iss as a prefix of ours', (claims) => ({ ...claims, iss: String(claims.iss).slice(0, -1) })),
  claimCase('iss as an array', (claims) => ({ ...claims, iss: [claims.iss] })),
  claimCase('aud of another service', (claims) => ({ ...claims, aud: 'another-api' })),
  claimCase('aud array without ours', (claims) => ({ ...claims, aud: ['another-api', 'third-api'] })),
  claimCase('aud as a number', (claims) => ({ ...claims, aud: 1 })),
  claimCase('exp as a string', (claims, now) => ({ ...claims, exp: String(now + 900) })),
  claimCase('sub empty', (claims) => ({ ...claims, sub: '' })),
  claimCase('sub a number', (claims) => ({ ...claims, sub: 42 })),
  claimCase('sid an object', (claims) => ({ ...claims, sid: { id: claims.sid } })),
  claimCase('roles a string', (claims) => ({ ...claims, roles: 'admin' })),
  ...['iss', 'aud', 'sub', 'sid', 'jti', 'exp', 'iat'].map((name) => claimCase(`missing ${name}`, (claims) => without(claims, name))),
  headerCase('claims', 'typ missing', (header) => without(header, 'typ')),
  headerCase('claims', 'typ "JWT"', (header) => ({ ...header, typ: 'JWT' })),
  headerCase('claims', 'typ of an ID token', (header) => ({ ...header, typ: 'id+jwt' })),
  headerCase('claims', 'typ of a logout token', (header) => ({ ...header, typ: 'logout+jwt' })),
];

/**
 * Every forged-token case, grouped by the rule it attacks. Each must be
 * refused exactly like any other bad token (401 invalid_token).
 */
export const FORGED_TOKEN_CASES: readonly ForgedTokenCase[] = [
  ...algNoneCases,
  ...signatureCases,
  ...hmacConfusionCases,
  ...weakSecretCases,
  ...keySourceCases,
  ...kidCases,
  ...psychicCases,
  ...critCases,
  ...algorithmCases,
  ...structureCases,
  ...claimCases,
];

/** The cases that apply to a verifier configured with these keys (all of them for EdDSA + ES256 + RS256). */
export function forgedTokenCasesFor(signingKeys: readonly { alg: string }[]): readonly ForgedTokenCase[] {
  return casesForKeys(FORGED_TOKEN_CASES, signingKeys);
}
