// What the benchmark relies on: row counts from the counted bindings, and no bench route in the real worker.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newUserId } from '../../src/core/ids';
import { hashPassword } from '../../src/password/hash';
import { findUserByEmail, insertUser } from '../../src/storage/users';
import { instrumentBindings } from '../helpers/bindings';
import { createTestClient, uniqueEmail } from '../helpers/client';

describe('counted bindings', () => {
  it('count the rows D1 reports written and read, and still return what first() returns', async () => {
    const storage = instrumentBindings(env.DB, env.KV);
    const email = uniqueEmail('rows');
    // A well-formed hash (never checked here): other test files read the whole database and check its invariants.
    await insertUser(storage, { id: newUserId(), email, passwordHash: await hashPassword('bench support passphrase'), createdAt: 1 });
    expect(storage.rows.written).toBeGreaterThanOrEqual(1);
    storage.resetCounts();
    const found = await findUserByEmail(storage, email);
    expect(found?.email).toBe(email);
    expect(storage.rows.read).toBeGreaterThanOrEqual(1);
    expect(storage.rows.written).toBe(0);
    expect(await findUserByEmail(storage, uniqueEmail('absent'))).toBeNull();
    expect(await storage.DB.prepare('SELECT email FROM users WHERE email = ?1').bind(email).first('email')).toBe(email);
  });
});

describe('the production worker', () => {
  it('has none of the bench routes', async () => {
    const client = createTestClient();
    for (const path of ['/__bench/bare', '/__bench/verify', '/__bench/cpu', '/__bench/counts', '/__bench/peer/d1-session']) {
      expect((await client.fetch(path)).status).toBe(404);
    }
    expect((await client.fetch('/__bench/seed?users=1', { method: 'POST' })).status).toBe(404);
  });
});
