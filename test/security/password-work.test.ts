// The password work a login costs, counted (not timed): an unknown email runs the same PBKDF2 derivation as a wrong password.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CURRENT_PASSWORD_PARAMETERS } from '../../src/password/hash';
import { createTestClient, signUpAndLogIn, uniqueEmail, uniqueIp, type TestClient } from '../helpers/client';

interface Derivation {
  iterations: number;
  bits: number | null | undefined;
}

// Wraps the real crypto.subtle.deriveBits: every call still runs, and PBKDF2 ones are recorded.
let derivations: Derivation[] = [];
beforeEach(() => {
  derivations = [];
  const real = crypto.subtle.deriveBits.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation((algorithm, baseKey, length) => {
    const params = algorithm as { name?: string; iterations?: number };
    if (params.name === 'PBKDF2') derivations.push({ iterations: params.iterations ?? 0, bits: length });
    return real(algorithm, baseKey, length);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function derivationsDuring(work: () => Promise<unknown>): Promise<Derivation[]> {
  derivations = [];
  await work();
  return [...derivations];
}

function login(client: TestClient, email: string, password: string): Promise<Response> {
  return client.postJson('/auth/login', { email, password }, { 'CF-Connecting-IP': uniqueIp() });
}

describe('password work on a failed login', () => {
  it('runs one full PBKDF2 derivation for an unknown email, exactly as for a wrong password', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    // The dummy hash is made once per isolate; make it before counting.
    expect((await login(client, uniqueEmail('warm-up'), 'some password')).status).toBe(401);

    const wrongPassword = await derivationsDuring(async () => expect((await login(client, user.email, 'not the password at all')).status).toBe(401));
    const unknownEmail = await derivationsDuring(async () => expect((await login(client, uniqueEmail('nobody'), 'not the password at all')).status).toBe(401));

    const full = { iterations: CURRENT_PASSWORD_PARAMETERS.iterations, bits: CURRENT_PASSWORD_PARAMETERS.hashBytes * 8 };
    expect(wrongPassword).toEqual([full]);
    expect(unknownEmail).toEqual(wrongPassword);
  });
});
