// CPU time per operation inside workerd, measured across I/O brackets (workerd's clock only moves across I/O).

import { Jwt } from 'hono/utils/jwt';
import { CURRENT_PASSWORD_PARAMETERS, hashPassword, verifyPassword } from '../src/password/hash';
import { ACCESS_TOKEN_TYPE, signAccessToken, verifyAccessToken, type AccessTokenContext } from '../src/tokens/access';
import { parseSigningKeySet, toPublicJwk, type PrivateSigningJwk, type SigningAlgorithm } from '../src/core/signing-keys';
import { hashRefreshToken, sealSuccessor } from '../src/sessions/refresh-secrets';
import { base64UrlToBytes, utf8 } from '../src/core/encoding';

/**
 * One timed operation: microseconds per call in the fastest, median and
 * slowest batch. Noise from other processes only ever adds time, so the
 * fastest batch is the closest to the operation's own CPU cost.
 */
export interface OperationTiming {
  name: string;
  fastestMicroseconds: number;
  medianMicroseconds: number;
  slowestMicroseconds: number;
  /** Per-call microseconds of each round, in order: rounds of one group ran side by side. */
  roundMicroseconds: number[];
  iterationsPerBatch: number;
  batches: number;
}

const TARGET_BATCH_MILLISECONDS = 20;
const BATCHES = 15;
const MAX_ITERATIONS = 20_000;

const RAW_VERIFY_ALGORITHMS: Record<SigningAlgorithm, { importAs: SubtleCryptoImportKeyAlgorithm; verifyAs: SubtleCryptoSignAlgorithm }> = {
  EdDSA: { importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } },
  ES256: { importAs: { name: 'ECDSA', namedCurve: 'P-256' }, verifyAs: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verifyAs: { name: 'RSASSA-PKCS1-v1_5' } },
};

// A timer firing is I/O to workerd: the clock reads the real time again after it.
function crossIoBoundary(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function timeBatchMilliseconds(iterations: number, operation: () => Promise<unknown>): Promise<number> {
  await crossIoBoundary();
  const start = Date.now();
  for (let i = 0; i < iterations; i++) await operation();
  await crossIoBoundary();
  return Date.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// A batch size whose fastest of two tries takes the target time: one try
// slowed down by a neighbour would leave the batch far too small.
async function calibrateIterations(operation: () => Promise<unknown>): Promise<number> {
  let iterations = 1;
  for (;;) {
    const fastest = Math.min(await timeBatchMilliseconds(iterations, operation), await timeBatchMilliseconds(iterations, operation));
    if (fastest >= TARGET_BATCH_MILLISECONDS || iterations >= MAX_ITERATIONS) return iterations;
    iterations *= 2;
  }
}

/**
 * Times a group of operations: each gets a batch size that takes ~20 ms,
 * then the group runs in interleaved rounds (so a noisy neighbour hits all
 * of them alike); the empty I/O bracket is subtracted from every batch.
 */
async function timeOperationGroup(operations: Record<string, () => Promise<unknown>>, bracketMilliseconds: number): Promise<OperationTiming[]> {
  const entries = Object.entries(operations);
  const iterations: number[] = [];
  for (const [, operation] of entries) iterations.push(await calibrateIterations(operation));
  const perCall: number[][] = entries.map(() => []);
  for (let round = 0; round < BATCHES; round++) {
    for (const [index, [, operation]] of entries.entries()) {
      const count = iterations[index] ?? 1;
      const elapsed = await timeBatchMilliseconds(count, operation);
      perCall[index]?.push((Math.max(0, elapsed - bracketMilliseconds) * 1000) / count);
    }
  }
  return entries.map(([name], index) => {
    const samples = perCall[index] ?? [];
    return {
      name,
      fastestMicroseconds: Math.min(...samples),
      medianMicroseconds: median(samples),
      slowestMicroseconds: Math.max(...samples),
      roundMicroseconds: samples,
      iterationsPerBatch: iterations[index] ?? 1,
      batches: BATCHES,
    };
  });
}

async function importRawVerifier(jwk: PrivateSigningJwk): Promise<CryptoKey> {
  // Only the key material: import it the way any WebCrypto user would.
  const publicMembers: JsonWebKey & Record<string, unknown> = { ...toPublicJwk(jwk) };
  for (const member of ['kid', 'alg', 'use']) delete publicMembers[member];
  return crypto.subtle.importKey('jwk', publicMembers, RAW_VERIFY_ALGORITHMS[jwk.alg].importAs, false, ['verify']);
}

async function timeAlgorithm(jwk: PrivateSigningJwk, bracketMilliseconds: number): Promise<OperationTiming[]> {
  const context: AccessTokenContext = {
    keys: parseSigningKeySet(JSON.stringify({ keys: [jwk] })),
    issuer: 'https://auth.bench.test',
    audience: 'edge-auth',
    nowSeconds: Math.floor(Date.now() / 1000),
  };
  const subject = { userId: '00.benchuser', sessionId: '00.benchsession', email: 'cpu@bench.test', roles: [] };
  const { token } = await signAccessToken(subject, context, 900);
  const [header = '', payload = '', signatureText = ''] = token.split('.');
  const signedBytes = utf8(`${header}.${payload}`);
  const signature = base64UrlToBytes(signatureText) ?? new Uint8Array();
  const rawKey = await importRawVerifier(jwk);
  const { verifyAs } = RAW_VERIFY_ALGORITHMS[jwk.alg];
  const checked = await verifyAccessToken(token, context);
  if (!checked.valid || !(await crypto.subtle.verify(verifyAs, rawKey, signature, signedBytes))) {
    throw new Error(`the ${jwk.alg} bench token does not verify`);
  }
  return timeOperationGroup(
    {
      [`raw subtle.verify ${jwk.alg}`]: () => crypto.subtle.verify(verifyAs, rawKey, signature, signedBytes),
      [`verify path ${jwk.alg}`]: () => verifyAccessToken(token, context),
      [`sign ${jwk.alg}`]: () => signAccessToken(subject, context, 900),
      // What every verification would add without the per-isolate import cache.
      [`public key import ${jwk.alg}`]: () => importRawVerifier(jwk),
      // The peer: hono's jwk middleware verifies like this, importing the key on every call.
      [`hono jwk verify ${jwk.alg}`]: () =>
        Jwt.verifyWithJwks(token, {
          keys: [toPublicJwk(jwk)],
          verification: { typ: ACCESS_TOKEN_TYPE, iss: context.issuer, aud: context.audience },
          allowedAlgorithms: [jwk.alg],
        }),
    },
    bracketMilliseconds,
  );
}

/**
 * Measures every operation the bench reports, with one key per algorithm
 * from `benchKeysJson` (a JWK Set of private keys). `requests` maps a name
 * to a whole request sent through a Hono app in this isolate (no I/O), so
 * routes can be compared in CPU as well as in throughput.
 */
export async function measureCpuPerOperation(
  benchKeysJson: string,
  requests: Record<string, () => Promise<Response>>,
): Promise<{ bracketMilliseconds: number; timings: OperationTiming[] }> {
  const emptyBrackets: number[] = [];
  for (let i = 0; i < 9; i++) emptyBrackets.push(await timeBatchMilliseconds(0, async () => undefined));
  const bracketMilliseconds = median(emptyBrackets);
  const timings: OperationTiming[] = [];
  for (const jwk of parseSigningKeySet(benchKeysJson).keys) timings.push(...(await timeAlgorithm(jwk, bracketMilliseconds)));
  for (const [name, send] of Object.entries(requests)) {
    const response = await send();
    if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
  }
  const wholeRequests = Object.fromEntries(
    Object.entries(requests).map(([name, send]) => [name, async () => (await send()).arrayBuffer()]),
  );
  timings.push(...(await timeOperationGroup(wholeRequests, bracketMilliseconds)));
  const refreshToken = `00.${crypto.randomUUID()}${crypto.randomUUID()}`;
  const successor = `00.${crypto.randomUUID()}${crypto.randomUUID()}`;
  const stored = await hashPassword('a bench passphrase');
  const parameters = `${CURRENT_PASSWORD_PARAMETERS.algorithm}, ${CURRENT_PASSWORD_PARAMETERS.iterations.toLocaleString('en-US')} iterations`;
  const secrets = await timeOperationGroup(
    {
      'refresh-token hash (SHA-256)': () => hashRefreshToken(refreshToken),
      'seal successor (HKDF + AES-GCM)': () => sealSuccessor(refreshToken, successor),
      [`password hash (${parameters})`]: () => hashPassword('a bench passphrase'),
      [`password verify (${parameters})`]: () => verifyPassword('a bench passphrase', stored),
    },
    bracketMilliseconds,
  );
  timings.push(...secrets);
  return { bracketMilliseconds, timings };
}
