// Creating an account.

import { AuthError } from '../core/errors';
import { newUserId } from '../core/ids';
import { hashPassword } from './hash';
import { findPasswordWeakness, normalizePassword } from './policy';
import { shardForEmail, type StorageBindings } from '../storage/database';
import { insertUser, type UserRecord } from '../storage/users';
import { normalizeEmail } from '../core/email';

/**
 * Registers a user. 400 `invalid_request` for a bad email, 400
 * `weak_password`, 409 `email_taken`. One D1 round trip (the route applies
 * the per-IP limit before).
 */
export async function registerUser(
  env: StorageBindings,
  rawEmail: string,
  password: string,
  nowSeconds: number,
): Promise<UserRecord> {
  const email = normalizeEmail(rawEmail);
  if (!email) throw new AuthError('invalid_request', 'Field "email" must be a valid email address.');
  const normalizedPassword = normalizePassword(password);
  const weakness = findPasswordWeakness(normalizedPassword, email);
  if (weakness) throw new AuthError('weak_password', weakness);
  const user = await insertUser(env, {
    id: newUserId(await shardForEmail(env, email)),
    email,
    passwordHash: await hashPassword(normalizedPassword),
    createdAt: nowSeconds,
  });
  if (!user) throw new AuthError('email_taken', 'An account with this email already exists.');
  return user;
}
