// Creating an account.

import { AuthError } from '../errors';
import { newUserId } from '../ids';
import { hashPassword } from '../passwords/hash';
import { findPasswordWeakness, normalizePassword } from '../passwords/policy';
import { databaseForShard, shardForEmail, type StorageBindings } from '../storage/database';
import { countIpRequest } from '../storage/rate-limits';
import { insertUser, type UserRecord } from '../storage/users';
import { normalizeEmail } from './email';
import { enforceIpLimit, ipCounterFor } from './throttle';

/** The per-IP limit register honours. */
export interface RegisterThrottle {
  ip: string | null;
  ipRateLimitPerMinute: number;
}

/**
 * Registers a user. 400 `invalid_request` for a bad email, 400
 * `weak_password`, 409 `email_taken`, 429 `too_many_attempts` past the
 * per-IP limit (counted before any password work). One D1 round trip, two
 * when the request is IP-limited.
 */
export async function registerUser(
  env: StorageBindings,
  rawEmail: string,
  password: string,
  nowSeconds: number,
  throttle: RegisterThrottle = { ip: null, ipRateLimitPerMinute: 0 },
): Promise<UserRecord> {
  const email = normalizeEmail(rawEmail);
  const ipCounter = ipCounterFor(throttle.ip, throttle.ipRateLimitPerMinute, nowSeconds);
  if (ipCounter) {
    const requests = await countIpRequest(databaseForShard(env, email === null ? null : shardForEmail(email)), ipCounter);
    enforceIpLimit(requests, throttle.ipRateLimitPerMinute, nowSeconds);
  }
  if (!email) throw new AuthError('invalid_request', 'Field "email" must be a valid email address.');
  const normalizedPassword = normalizePassword(password);
  const weakness = findPasswordWeakness(normalizedPassword, email);
  if (weakness) throw new AuthError('weak_password', weakness);
  const user = await insertUser(env, {
    id: newUserId(shardForEmail(email)),
    email,
    passwordHash: await hashPassword(normalizedPassword),
    createdAt: nowSeconds,
  });
  if (!user) throw new AuthError('email_taken', 'An account with this email already exists.');
  return user;
}
