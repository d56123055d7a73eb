// The two D1 round trips of a login attempt besides opening the session: the first look, and counting a failure.

import { insertAuthEventStatement, type AuthEventInput } from './auth-events';
import { databaseForShard, runStorage, shardForEmail, type StorageBindings } from './database';
import {
  claimCheckStatement,
  findLoginFailuresStatement,
  readClaimedCheck,
  readLoginFailures,
  readStartedLock,
  recordLoginFailureStatements,
  type ClaimedCheck,
  type LockoutPolicy,
  type LoginFailureState,
} from './login-failures';
import { findUserByEmailStatement, findUserByIdStatement, readUser, type UserRecord } from './users';

/** What the first look of a login reads (each part optional). */
export interface LoginLookup {
  /** The normalised email, when it is one worth looking up. */
  email: string | null;
  /** Find the user by id instead of by email (the email still routes and names the failure record). */
  userId?: string;
  emailHash: string | null;
  /**
   * Claim a password check on the account's failure record (needs
   * `emailHash`), in the same round trip: see `claimCheckStatement`.
   */
  claim?: { nowSeconds: number; policy: LockoutPolicy };
}

/** What the first look found. */
export interface LoginState {
  user: UserRecord | null;
  /** The failure record as it stands after the claim, if any. */
  failures: LoginFailureState | null;
  /** The claim, when one was asked for and granted; `null` when refused or not asked for. */
  claim: ClaimedCheck | null;
}

/** The database that owns an account's rows (users, failures, events), by normalised email. */
function databaseForEmail(env: StorageBindings, email: string | null): D1Database {
  return databaseForShard(env, email === null ? null : shardForEmail(email));
}

/**
 * One batch (one round trip): find the user, claim a password check if
 * asked, and read the account's failure record.
 */
export async function readLoginState(env: StorageBindings, lookup: LoginLookup): Promise<LoginState> {
  const db = databaseForEmail(env, lookup.email);
  const statements: D1PreparedStatement[] = [];
  const slot = (statement: D1PreparedStatement | null): number => (statement ? statements.push(statement) - 1 : -1);
  const userSlot = slot(
    lookup.userId !== undefined ? findUserByIdStatement(db, lookup.userId) : lookup.email !== null ? findUserByEmailStatement(db, lookup.email) : null,
  );
  const claimSlot = slot(lookup.claim && lookup.emailHash !== null ? claimCheckStatement(db, lookup.emailHash, lookup.claim.nowSeconds, lookup.claim.policy) : null);
  const failureSlot = slot(lookup.emailHash !== null ? findLoginFailuresStatement(db, lookup.emailHash) : null);
  if (statements.length === 0) return { user: null, failures: null, claim: null };
  const results = await runStorage('read login state', () => db.batch(statements));
  return {
    user: userSlot < 0 ? null : readUser(results[userSlot]),
    failures: failureSlot < 0 ? null : readLoginFailures(results[failureSlot]),
    claim: claimSlot < 0 ? null : readClaimedCheck(results[claimSlot]),
  };
}

/** A failed login to record. */
export interface FailedLogin {
  email: string;
  emailHash: string;
  nowSeconds: number;
  policy: LockoutPolicy;
  /**
   * Events to record: the failure, and the lockout if one starts. They land
   * only for an existing account (`userId` set), but the statements are sent
   * either way so an unknown email costs the same D1 work as a wrong password.
   */
  failedEvent: AuthEventInput;
  lockoutEvent: AuthEventInput;
}

/**
 * Settles a claimed check that failed, in one batch (one round trip) with
 * its events: the claim is released and the failure counted. Returns the
 * lock it started, if it started one.
 */
export async function recordFailedLogin(env: StorageBindings, failure: FailedLogin): Promise<{ lockedUntil: number; lockouts: number } | null> {
  const db = databaseForEmail(env, failure.email);
  const statements = recordLoginFailureStatements(db, failure.emailHash, failure.nowSeconds, failure.policy);
  const lockSlot = statements.length - 1;
  // changes() still counts the rows of the lock statement just before: the event lands only if a lock started.
  statements.push(insertAuthEventStatement(db, failure.lockoutEvent, failure.nowSeconds, { sql: 'changes() > 0 AND ?2 IS NOT NULL', parameters: [] }));
  statements.push(insertAuthEventStatement(db, failure.failedEvent, failure.nowSeconds, { sql: '?2 IS NOT NULL', parameters: [] }));
  const results = await runStorage('record failed login', () => db.batch(statements));
  return readStartedLock(results[lockSlot]);
}
