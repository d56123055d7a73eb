// Emailed links in D1: issuing one only when the per-address limit allows, and consuming it with one conditional DELETE held to the address and password it was issued for.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { issueLink } from '../../src/account/email-links';
import { getConfig, type RawVars } from '../../src/core/config';
import { databaseForKey } from '../../src/storage/database';
import { consumeEmailLinkStatement, findEmailLink, readConsumedLink } from '../../src/account/email-link-rows';
import { hashLinkToken, PASSWORD_TAG_LENGTH } from '../../src/account/link-token';
import { createTestClient, signUpAndLogIn } from '../helpers/client';
import { tokenFromLink } from '../helpers/mailbox';

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

describe('issueLink', () => {
  it('keeps the stored link when the per-address limit refuses a new one, and replaces it once the minute is over', async () => {
    const user = await signUpAndLogIn(createTestClient());
    const context = (nowSeconds: number) => ({ env, settings: getConfig(env as unknown as RawVars).account, origin: 'https://auth.example.test', nowSeconds });
    const request = { purpose: 'password_reset' as const, user: { id: user.userId }, sendTo: user.email };
    const stored = async (link: string | null) => findEmailLink(databaseForKey(env, user.userId), await hashLinkToken(tokenFromLink(link ?? '')));
    const first = await issueLink(context(NOW), request);
    expect(first.allowed).toBe(true);
    const refused = await issueLink(context(NOW + 30), request);
    expect(refused.allowed).toBe(false);
    expect(await stored(first.message.link)).not.toBeNull();
    expect(await stored(refused.message.link)).toBeNull();
    const later = await issueLink(context(NOW + 60), request);
    expect(later.allowed).toBe(true);
    expect(await stored(first.message.link)).toBeNull();
    expect(await stored(later.message.link)).not.toBeNull();
  });
});
