// Consuming an emailed link in D1: one conditional DELETE that holds the link to the address and password it was issued for.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { consumeEmailLinkStatement, readConsumedLink } from '../../src/storage/email-links';
import { PASSWORD_TAG_LENGTH } from '../../src/tokens/link';
import { createTestClient, signUpAndLogIn } from '../helpers/client';

const NOW = 1_800_000_000;

/** Stores a reset link for the user as if issued for `email`, with the user's current password tag. */
async function storeLink(userId: string, email: string): Promise<string> {
  const tokenHash = `link-${crypto.randomUUID()}`;
  await databaseForKey(env, userId)
    .prepare(
      `INSERT OR REPLACE INTO email_links (token_hash, user_id, purpose, email, new_email, password_tag, created_at, expires_at)
       SELECT ?1, id, 'password_reset', ?2, NULL, substr(password_hash, -${PASSWORD_TAG_LENGTH}), ?3, ?4 FROM users WHERE id = ?5`,
    )
    .bind(tokenHash, email, NOW, NOW + 1800, userId)
    .run();
  return tokenHash;
}

async function consume(userId: string, tokenHash: string, nowSeconds = NOW): Promise<string | null> {
  return readConsumedLink(await consumeEmailLinkStatement(databaseForKey(env, userId), tokenHash, 'password_reset', nowSeconds).all());
}

describe('consumeEmailLinkStatement', () => {
  it('refuses a link issued for an address the account no longer has', async () => {
    const user = await signUpAndLogIn(createTestClient());
    const stale = await storeLink(user.userId, 'an-old-address@example.test');
    expect(await consume(user.userId, stale)).toBeNull();
    const current = await storeLink(user.userId, user.email);
    expect(await consume(user.userId, current)).toBe(user.userId);
  });

  it('consumes a link once, and not at or after its expiry', async () => {
    const user = await signUpAndLogIn(createTestClient());
    const link = await storeLink(user.userId, user.email);
    expect(await consume(user.userId, link, NOW + 1800)).toBeNull();
    expect(await consume(user.userId, link, NOW + 1799)).toBe(user.userId);
    expect(await consume(user.userId, link, NOW + 1799)).toBeNull();
  });
});
