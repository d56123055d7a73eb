// Capabilities as the app lists them: each owns its routes, and DISABLED_CAPABILITIES turns the optional ones off.
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/app';
import { listRouteSpecs } from '../../src/http/route-registry';
import { createTestClient, getMe, signUpAndLogIn } from '../helpers/client';

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

describe('the capability list', () => {
  it('records every route under the capability that added it, so turning one off takes exactly its routes', () => {
    createTestClient();
    const names = new Set(CAPABILITIES.map((capability) => capability.name));
    const specs = listRouteSpecs();
    expect(specs.length).toBeGreaterThan(30);
    for (const spec of specs) expect(names, `${spec.method} ${spec.path}`).toContain(spec.capability);
    expect(specs.filter((spec) => spec.capability === 'totp').map((spec) => spec.path)).toContain('/auth/login/mfa');
    expect(specs.filter((spec) => spec.capability === 'passkeys').map((spec) => spec.path)).toContain('/auth/passkeys/login');
  });

  it('lets only the optional capabilities be turned off', () => {
    const optional = CAPABILITIES.filter((capability) => capability.canBeDisabled).map((capability) => capability.name);
    expect(optional.sort()).toEqual(['admin', 'oauth-server', 'passkeys', 'providers', 'sign-in-page', 'totp']);
  });
});

describe('DISABLED_CAPABILITIES', () => {
  it("answers 404 not_found on every route of a turned-off capability, before any of the route's work", async () => {
    const client = createTestClient({ vars: { DISABLED_CAPABILITIES: 'passkeys, totp' } });
    const user = await signUpAndLogIn(client, { verified: true });
    const bearer = { Authorization: `Bearer ${user.accessToken}` };
    const passkeyOptions = await client.fetch('/auth/passkeys/login-options', { method: 'POST' });
    expect(passkeyOptions.status).toBe(404);
    expect(await errorCode(passkeyOptions)).toBe('not_found');
    const passkeyList = await client.fetch('/auth/passkeys', { headers: bearer });
    expect(passkeyList.status).toBe(404);
    const setup = await client.postJson('/auth/mfa/totp/setup', {}, bearer);
    expect(setup.status).toBe(404);
    expect(await errorCode(setup)).toBe('not_found');
    // Not 405 with an Allow header naming the turned-off route's method: the path is simply not there.
    const wrongMethod = await client.fetch('/auth/passkeys/login-options');
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.headers.get('Allow')).toBeNull();
  });

  it('leaves every other capability working', async () => {
    const client = createTestClient({ vars: { DISABLED_CAPABILITIES: 'passkeys,totp,providers,admin' } });
    const user = await signUpAndLogIn(client, { verified: true });
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    const sessions = await client.fetch('/auth/sessions', { headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(sessions.status).toBe(200);
    const providers = await client.fetch('/auth/oauth');
    expect(providers.status).toBe(404);
  });

  it('drops the turned-off routes from /openapi.json and keeps the rest', async () => {
    const on = (await (await createTestClient().fetch('/openapi.json')).json()) as OpenApiDocument;
    const off = (await (await createTestClient({ vars: { DISABLED_CAPABILITIES: 'passkeys' } }).fetch('/openapi.json')).json()) as OpenApiDocument;
    expect(Object.keys(on.paths)).toContain('/auth/passkeys/login');
    expect(Object.keys(off.paths).filter((path) => path.startsWith('/auth/passkeys'))).toEqual([]);
    expect(Object.keys(off.paths)).toContain('/auth/login');
    expect(Object.keys(off.paths)).toContain('/auth/mfa/totp/setup');
    expect(Object.keys(off.paths).length).toBeLessThan(Object.keys(on.paths).length);
  });

  it('refuses a name that is not an optional capability, naming the variable', async () => {
    for (const value of ['sessions', 'passkey', 'TOTP', 'totp;admin']) {
      const response = await createTestClient({ vars: { DISABLED_CAPABILITIES: value } }).fetch('/health');
      expect(response.status, value).toBe(500);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('server_misconfigured');
      expect(body.message).toContain('DISABLED_CAPABILITIES');
    }
  });
});
