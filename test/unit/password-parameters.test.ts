// Pins the password-hash parameters inside what production Workers accept, and refuses hashes beyond it.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newUserId } from '../../src/core/ids';
import { CURRENT_PASSWORD_PARAMETERS, hashPassword, parseHash, verifyPassword } from '../../src/password/hash';
import { createTestClient, DEFAULT_PASSWORD, uniqueEmail } from '../helpers/client';
import { databaseForEmail, shardForEmail } from '../../src/storage/database';

// Production workerd refuses PBKDF2 above this many iterations (local workerd and wrangler dev may not).
const WORKERS_PBKDF2_ITERATION_LIMIT = 100_000;

async function insertUserWithHash(email: string, passwordHash: string): Promise<void> {
  const db = await databaseForEmail(env, email);
  await db.prepare("INSERT INTO users (id, email, password_hash, roles, created_at) VALUES (?1, ?2, ?3, '[]', ?4)")
    .bind(newUserId(await shardForEmail(env, email)), email, passwordHash, Math.floor(Date.now() / 1000))
    .run();
}

async function storedHashOf(email: string): Promise<string | null> {
  return (await databaseForEmail(env, email)).prepare('SELECT password_hash FROM users WHERE email = ?1').bind(email).first<string>('password_hash');
}

describe('password hash parameters', () => {
  it('stay within the PBKDF2 iteration limit of production Workers', () => {
    expect(CURRENT_PASSWORD_PARAMETERS.iterations).toBeLessThanOrEqual(WORKERS_PBKDF2_ITERATION_LIMIT);
  });

  it('are PBKDF2-HMAC-SHA-256 at 100,000 iterations with a 16-byte salt and a 32-byte hash', () => {
    expect(CURRENT_PASSWORD_PARAMETERS).toEqual({ algorithm: 'pbkdf2-sha256', iterations: 100_000, saltBytes: 16, hashBytes: 32 });
  });

  it('produce a PHC string naming the algorithm and iterations, with a fresh salt each time', async () => {
    const first = await hashPassword(DEFAULT_PASSWORD);
    const second = await hashPassword(DEFAULT_PASSWORD);
    expect(first).toMatch(/^\$pbkdf2-sha256\$i=100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
  });

  it('refuse to verify a stored hash above the production limit, even with the right password', async () => {
    const overLimit = { ...CURRENT_PASSWORD_PARAMETERS, iterations: WORKERS_PBKDF2_ITERATION_LIMIT + 1 };
    const stored = await hashPassword(DEFAULT_PASSWORD, overLimit).catch(() => `$pbkdf2-sha256$i=${overLimit.iterations}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(parseHash(stored)).toBeNull();
    expect(await verifyPassword(DEFAULT_PASSWORD, stored)).toBe(false);
  });

  it('answer a login against an over-limit stored hash with 401, never a 5xx', async () => {
    const client = createTestClient();
    const email = uniqueEmail('over-limit');
    await insertUserWithHash(email, `$pbkdf2-sha256$i=${WORKERS_PBKDF2_ITERATION_LIMIT * 10}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    const response = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_credentials' });
  });

  it('re-hash a stored hash with older parameters on the next successful login', async () => {
    const client = createTestClient();
    const email = uniqueEmail('rehash');
    await insertUserWithHash(email, await hashPassword(DEFAULT_PASSWORD, { ...CURRENT_PASSWORD_PARAMETERS, iterations: 10_000 }));
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect(parseHash((await storedHashOf(email)) ?? '')?.parameters.iterations).toBe(CURRENT_PASSWORD_PARAMETERS.iterations);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });
});
