// A downstream service verifying with edge-auth/verify and the shared KV: the account deletion reaches it too (edge-auth's own check is in account-deletion.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/verify';
import { DEFAULT_PASSWORD, createTestClient, logIn, signUpAndLogIn, type TestClient } from '../helpers/client';
import { decodeToken } from '../helpers/forge';

async function downstreamVerifier(client: TestClient, sampleToken: string): Promise<Verifier> {
  const jwks = (await (await client.fetch('/.well-known/jwks.json')).json()) as { keys: unknown[] };
  const { iss, aud } = decodeToken(sampleToken).payload as { iss: string; aud: string };
  return createVerifier({ jwks, issuer: iss, audience: aud, revocations: env.KV, now: client.clock.now });
}

describe('account deletion seen by a downstream verifier', () => {
  it('refuses the access tokens of every session of the deleted account, not only the one that deleted it', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpAndLogIn(client);
    const laptop = await logIn(client, user.email, DEFAULT_PASSWORD);
    const phone = await logIn(client, user.email, DEFAULT_PASSWORD, 'body');
    const verifier = await downstreamVerifier(client, laptop.accessToken);
    await expect(verifier.verify(phone.accessToken)).resolves.toMatchObject({ sid: phone.sessionId });

    const deleted = await client.postJson('/auth/account/delete', { password: DEFAULT_PASSWORD }, { Authorization: `Bearer ${laptop.accessToken}` });
    expect(deleted.status).toBe(204);
    for (const session of [laptop, phone, user]) {
      await expect(verifier.verify(session.accessToken)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    }
  });
});
