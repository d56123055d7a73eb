// What a provider sign-in costs in D1 and KV, counted on the real bindings: the start, and a returning sign-in.
import { env } from 'cloudflare:workers';
import { shardMapOf } from '../../src/storage/database';
import { describe, expect, it } from 'vitest';
import { createOAuthTestClient, finishFlow, passProvider, providerLogin, providerSession, startFlow } from '../helpers/oidc-flow';

describe('storage budget of a provider sign-in', () => {
  it('starts with one D1 round trip, one row written and no KV', async () => {
    const client = createOAuthTestClient();
    client.storage.resetCounts();
    const { start } = await startFlow(client, 'local');
    expect(start.status).toBe(302);
    expect(client.storage.counts.d1RoundTrips).toBe(1);
    expect(client.storage.rows.written).toBe(1);
    expect(client.storage.counts.kvReads + client.storage.counts.kvWrites).toBe(0);
  });

  it('signs a linked identity in with 3 D1 round trips (consume the flow, find the identity, open the session; one more, the directory, with several shards), at most 6 rows and no KV write', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    await providerSession(client, 'local', login);
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login });
    client.storage.resetCounts();
    expect((await finishFlow(client, flow, callback)).headers.get('Location')).not.toContain('#error');
    expect(client.storage.counts.d1RoundTrips).toBe(shardMapOf(env).shards.length > 1 ? 4 : 3);
    expect(client.storage.rows.written).toBeLessThanOrEqual(6);
    expect(client.storage.counts.kvWrites).toBe(0);
  });
});
