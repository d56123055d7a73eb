// Recovery codes: 80 random bits each, stored under HMAC-SHA-256 with a key derived from KEY_ENCRYPTION_SECRET; older codes keep working.
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { bytesToHex } from '../../src/core/encoding';
import { createTestClient, signUpVerified, type TestClient } from '../helpers/client';
import { enableTotp, mfaStep, passwordStep } from '../helpers/totp';

const encoder = new TextEncoder();

function totpClient(): TestClient {
  return createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
}

async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

/** The keyed hash as DESIGN describes it, computed here from scratch: HKDF(KEY_ENCRYPTION_SECRET, own label) → HMAC-SHA-256. */
async function keyedHash(secret: string, userId: string, code: string): Promise<string> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode('edge-auth recovery-code hashing v1') },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${userId}:${code}`))));
}

async function storedHashes(client: TestClient, userId: string): Promise<string[]> {
  const rows = await databaseForKey(client.env, userId).prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?1').bind(userId).all<{ code_hash: string }>();
  return rows.results.map((row) => row.code_hash).sort();
}

describe('recovery codes', () => {
  it('carry 80 random bits each: 16 base32 letters and digits, grouped by four, all distinct', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    const { recoveryCodes } = await enableTotp(client, user);
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(recoveryCodes).size).toBe(10);
    // 16 letters of 5 bits: 80 bits; spread over the alphabet, not a fixed tail.
    expect(new Set(recoveryCodes.map((code) => code.at(-1))).size).toBeGreaterThan(1);
  });

  it('are stored under the keyed hash bound to the user, never as a SHA-256 of the code', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    const { recoveryCodes } = await enableTotp(client, user);
    const stored = await storedHashes(client, user.userId);
    const secret = String((client.env as unknown as Record<string, unknown>).KEY_ENCRYPTION_SECRET);
    expect(stored).toEqual((await Promise.all(recoveryCodes.map((code) => keyedHash(secret, user.userId, code)))).sort());
    for (const code of recoveryCodes) {
      for (const unkeyed of [await sha256Hex(code), await sha256Hex(`recovery-code:${user.userId}:${code}`)]) expect(stored).not.toContain(unkeyed);
    }
  });

  it('still accept, once, a 12-letter code stored as SHA-256 before codes were keyed', async () => {
    const client = totpClient();
    const user = await signUpVerified(client);
    await enableTotp(client, user);
    const legacy = 'abcd-efgh-ijkl';
    await databaseForKey(client.env, user.userId)
      .prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)')
      .bind(user.userId, await sha256Hex(`recovery-code:${user.userId}:${legacy}`))
      .run();
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: 'ABCD EFGH IJKL' })).status).toBe(200);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: legacy })).status).toBe(401);
  });
});
