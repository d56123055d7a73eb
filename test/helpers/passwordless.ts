// Turning a test account into one without a password, as a provider sign-up makes it: the password goes, a linked
// provider account stays (through the real storage code), so the account keeps a way to sign in and the database
// invariants hold for every test that reads the whole database afterwards.
import { env } from 'cloudflare:workers';
import { newIdentityId } from '../../src/core/ids';
import { databaseForKey } from '../../src/storage/database';
import { linkIdentity } from '../../src/providers/identity-rows';

export async function makePasswordlessWithProvider(userId: string, email: string): Promise<void> {
  const identity = { id: newIdentityId(userId), userId, provider: 'test-provider', subject: crypto.randomUUID(), email, createdAt: Math.floor(Date.now() / 1000) };
  if (!(await linkIdentity(env, identity, { ip: null, userAgent: null, country: null }))) throw new Error('could not link the test identity');
  await databaseForKey(env, userId).prepare("UPDATE users SET password_hash = '' WHERE id = ?1").bind(userId).run();
}
