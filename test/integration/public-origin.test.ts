// With PUBLIC_ORIGIN set, mailed links, the passkey relying party and provider callbacks ignore the Host a request names.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, sendWithBearer, signUpAndLogIn, signUpVerified } from '../helpers/client';
import { createMailTestClient } from '../helpers/mailbox';
import { testOAuthProviders } from '../helpers/oidc-flow';

const PUBLIC_ORIGIN = 'https://auth.example.com';

function client(vars: Record<string, string> = {}) {
  return createMailTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', OAUTH_PROVIDERS: testOAuthProviders(), ...vars } });
}

describe('PUBLIC_ORIGIN', () => {
  it('puts mailed links on the public origin whatever host the request names', async () => {
    const testClient = client({ PUBLIC_ORIGIN });
    const user = await signUpAndLogIn(testClient);
    const response = await testClient.fetch('https://attacker.test/auth/password/forgot', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Host: 'attacker.test' },
      body: JSON.stringify({ email: user.email }),
    });
    expect(response.status).toBe(202);
    const link = testClient.mailbox.to(user.email).find((mail) => mail.kind === 'password_reset')?.link ?? '';
    expect(link.startsWith(`${PUBLIC_ORIGIN}/reset-password#token=`)).toBe(true);
  });

  it('makes the public origin the passkey relying party, and a provider callback point at it', async () => {
    const testClient = client({ PUBLIC_ORIGIN });
    const user = await signUpVerified(testClient, { password: DEFAULT_PASSWORD });
    const options = await sendWithBearer(testClient, 'POST', '/auth/passkeys/registration-options', user.accessToken, { password: DEFAULT_PASSWORD });
    expect(options.status).toBe(200);
    expect(((await options.json()) as { options: { rp: { id: string } } }).options.rp.id).toBe('auth.example.com');
    const start = await testClient.fetch(`https://attacker.test/auth/oauth/local?redirect_to=${encodeURIComponent(`${PUBLIC_ORIGIN}/app`)}`, { redirect: 'manual', headers: { Host: 'attacker.test' } });
    expect(start.status).toBe(302);
    expect(new URL(start.headers.get('Location') ?? '').searchParams.get('redirect_uri')).toBe(`${PUBLIC_ORIGIN}/auth/oauth/local/callback`);
  });

  it('names the public origin as the OpenAPI document\'s server', async () => {
    const testClient = client({ PUBLIC_ORIGIN });
    const response = await testClient.fetch('https://attacker.test/openapi.json', { headers: { Host: 'attacker.test' } });
    expect(((await response.json()) as { servers: { url: string }[] }).servers).toEqual([{ url: PUBLIC_ORIGIN }]);
  });

  it('unset on a deployed worker, answers 500 server_misconfigured where an origin is needed rather than trust the Host', async () => {
    const testClient = client();
    const start = await testClient.fetch('https://auth.example.com/auth/oauth/local?redirect_to=https%3A%2F%2Fauth.example.com%2Fapp', { redirect: 'manual' });
    expect(start.status).toBe(500);
    expect(await start.json()).toMatchObject({ error: 'server_misconfigured' });
  });
});
