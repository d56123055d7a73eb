// The claim a secret check takes on the account's failure record, run against real D1: in-flight claims count, lost ones expire.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CLAIM_TIMEOUT_SECONDS, claimCheckStatement, readClaimedCheck, releaseClaimStatement, type LockoutPolicy } from '../../src/password/login-failures';

const POLICY: LockoutPolicy = { maxFailures: 3, lockoutSeconds: 600, maxLockoutSeconds: 86_400, memorySeconds: 86_400 };
const NOW = 1_800_000_000;

async function claim(emailHash: string, nowSeconds: number): Promise<boolean> {
  return readClaimedCheck(await claimCheckStatement(env.DB, emailHash, nowSeconds, POLICY).all()) !== null;
}

function freshHash(): string {
  return `claim-${crypto.randomUUID()}`;
}

describe('claimCheckStatement', () => {
  it('grants at most maxFailures checks in flight at once', async () => {
    const emailHash = freshHash();
    expect([await claim(emailHash, NOW), await claim(emailHash, NOW), await claim(emailHash, NOW), await claim(emailHash, NOW)]).toEqual([true, true, true, false]);
  });

  it('stops counting claims nobody settled once CLAIM_TIMEOUT_SECONDS have passed', async () => {
    const emailHash = freshHash();
    for (let taken = 0; taken < POLICY.maxFailures; taken++) expect(await claim(emailHash, NOW)).toBe(true);
    expect(await claim(emailHash, NOW + CLAIM_TIMEOUT_SECONDS)).toBe(false);
    expect(await claim(emailHash, NOW + CLAIM_TIMEOUT_SECONDS + 1)).toBe(true);
  });

  it('grants again once a claim is given back', async () => {
    const emailHash = freshHash();
    for (let taken = 0; taken < POLICY.maxFailures; taken++) await claim(emailHash, NOW);
    await releaseClaimStatement(env.DB, emailHash, NOW).run();
    expect(await claim(emailHash, NOW)).toBe(true);
  });
});
