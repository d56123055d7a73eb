#!/usr/bin/env node
// `npm run bench:verify`: the cost of edge-auth/verify per token beside a bare crypto.subtle.verify
// with the same key, for each algorithm. Runs on the built package (npm run build) in Node.
// Usage: npm run bench:verify [-- --seconds 1]
import { webcrypto } from 'node:crypto';
import { createVerifier } from 'edge-auth/verify';
import { generateSigningJwk, SUPPORTED_ALGORITHMS } from './lib/signing-keys.mjs';

const { subtle } = webcrypto;
const secondsIndex = process.argv.indexOf('--seconds');
const SECONDS_PER_MEASUREMENT = secondsIndex === -1 ? 1 : Number(process.argv[secondsIndex + 1]);
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'edge-auth';

const WEBCRYPTO = {
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
};

const base64url = (value) => Buffer.from(value).toString('base64url');

/** A genuine access token for `jwk`, signed with WebCrypto directly, and what a bare verify needs. */
async function makeToken(jwk) {
  const { kid, alg, ...material } = jwk;
  const parameters = WEBCRYPTO[alg];
  const privateKey = await subtle.importKey('jwk', material, parameters.import, false, ['sign']);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg, kid, typ: 'at+jwt' }));
  const payload = base64url(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: '00.user', sid: '00.session', jti: 'j', iat: nowSeconds, exp: nowSeconds + 900, roles: [] }));
  const signingInput = new TextEncoder().encode(`${header}.${payload}`);
  const signature = new Uint8Array(await subtle.sign(parameters.sign, privateKey, signingInput));
  const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);
  const publicMaterial = Object.fromEntries(Object.entries(material).filter(([name]) => !privateMembers.has(name)));
  const publicKey = await subtle.importKey('jwk', publicMaterial, parameters.import, false, ['verify']);
  return { token: `${header}.${payload}.${base64url(signature)}`, publicJwk: { ...publicMaterial, kid, alg, use: 'sig' }, publicKey, signature, signingInput, parameters };
}

/** Mean microseconds per call of `operation`, measured for about SECONDS_PER_MEASUREMENT. */
async function measureMicroseconds(operation) {
  for (let i = 0; i < 50; i++) await operation();
  let calls = 0;
  const started = performance.now();
  const deadline = started + SECONDS_PER_MEASUREMENT * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i++) await operation();
    calls += 20;
  }
  return ((performance.now() - started) * 1000) / calls;
}

console.log(`edge-auth/verify micro-benchmark, Node ${process.version}, ${SECONDS_PER_MEASUREMENT} s per measurement`);
console.log('alg      verifier µs/token   crypto.subtle.verify µs   overhead µs   ratio');
for (const alg of SUPPORTED_ALGORITHMS) {
  const sample = await makeToken(await generateSigningJwk(alg));
  const verifier = createVerifier({ jwks: { keys: [sample.publicJwk] }, issuer: ISSUER, audience: AUDIENCE });
  await verifier.verify(sample.token);
  const bare = await measureMicroseconds(async () => {
    if (!(await subtle.verify(sample.parameters.sign, sample.publicKey, sample.signature, sample.signingInput))) throw new Error('bare verify failed');
  });
  const full = await measureMicroseconds(() => verifier.verify(sample.token));
  const cells = [alg.padEnd(8), full.toFixed(1).padStart(17), bare.toFixed(1).padStart(25), (full - bare).toFixed(1).padStart(13), `${(full / bare).toFixed(2)}x`.padStart(7)];
  console.log(cells.join(' '));
}
