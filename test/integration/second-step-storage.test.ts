// What the second sign-in step leaves in D1: a completed sign-in uses up its mfa_token row (the HTTP refusal is in test/security/totp.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashMfaToken } from '../../src/totp/mfa-secrets';
import { databaseForKey } from '../../src/storage/database';
import { createTestClient, signUpVerified } from '../helpers/client';
import { codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';

async function mfaTokenRows(userId: string): Promise<string[]> {
  const rows = await databaseForKey(env, userId).prepare('SELECT token_hash FROM mfa_tokens WHERE user_id = ?1').bind(userId).all<{ token_hash: string }>();
  return rows.results.map((row) => row.token_hash);
}

describe('the mfa_tokens table', () => {
  it('holds the token of a sign-in half done, and loses it when the sign-in completes', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const token = await passwordStep(client, user.email, user.password);
    expect(await mfaTokenRows(user.userId)).toEqual([await hashMfaToken(token)]);
    expect((await mfaStep(client, token, { code: await codeAt(client, totp.secret) })).status).toBe(200);
    expect(await mfaTokenRows(user.userId)).toEqual([]);
  });

  it('keeps the token after a wrong code, with one attempt fewer', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpVerified(client);
    await enableTotp(client, user);
    const token = await passwordStep(client, user.email, user.password);
    expect((await mfaStep(client, token, { code: '000000' })).status).toBe(401);
    const row = await databaseForKey(env, user.userId).prepare('SELECT attempts_left FROM mfa_tokens WHERE token_hash = ?1').bind(await hashMfaToken(token)).first<{ attempts_left: number }>();
    expect(row?.attempts_left).toBe(4);
  });
});
