// The two D1 round trips of a login attempt besides opening the session: the first look, and counting a failure.

import { insertAuthEventStatement, type AuthEventInput } from '../sessions/auth-events';
import { DEFAULT_SHARD, shardOf } from '../core/ids';
import { databaseForShard, databaseOfKnownShard, runStorage, shardForEmail, shardMapOf, type StorageBindings } from '../storage/database';
import { emailDirectoryKey, findDirectoryEntryStatement, readDirectoryUserId } from '../storage/directory';
import {
  claimCheckStatement,
  findLoginFailuresStatement,
  readClaimedCheck,
  readLoginFailures,
  readStartedLock,
  recordLoginFailureStatements,
  releaseClaimStatement,
  settleSuccessfulCheckStatements,
  type ClaimedCheck,
  type LockoutPolicy,
  type LoginFailureState,
} from './login-failures';
import { findUserByEmailStatement, findUserByIdStatement, findUserIn, followDirectoryEntry, readUser, type UserRecord } from '../storage/users';

/** What the first look of a login reads (each part optional). */
export interface LoginLookup {
  /** The normalised email, when it is valid: it routes (its home shard) and finds the user. */
  email: string | null;
  /** False: route by the email but look no user up (an over-long password is refused unread). Default true. */
  findUser?: boolean;
  /** Find the user by id instead of by email (the email still routes and names the failure record). */
  userId?: string;
  /** The database of `userId`'s shard, when the request resolved it already: not looked up again. */
  userDb?: D1Database;
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
  /** The database of the user's shard (set exactly when `user` is): the request's storage for the user from here on. */
  userDb: D1Database | null;
  /** The failure record as it stands after the claim, if any. */
  failures: LoginFailureState | null;
  /** The claim, when one was asked for and granted; `null` when refused or not asked for. */
  claim: ClaimedCheck | null;
  /** The email's home shard: where the failure record and the claim live. */
  homeShard: string;
  /** The database of `homeShard`. */
  homeDb: D1Database;
}

/**
 * One batch (one round trip) on the email's home shard: find the user, claim
 * a password check if asked, and read the account's failure record (both
 * keyed by the email, so they live on its home shard). With several shards
 * the email's directory entry rides along; a user living on another shard
 * (after an email change or a map change) costs one more round trip there.
 */
export async function readLoginState(env: StorageBindings, lookup: LoginLookup): Promise<LoginState> {
  if (lookup.email === null && lookup.emailHash === null) {
    return { user: null, userDb: null, failures: null, claim: null, homeShard: DEFAULT_SHARD, homeDb: databaseForShard(env, DEFAULT_SHARD) };
  }
  const homeShard = lookup.email === null ? DEFAULT_SHARD : await shardForEmail(env, lookup.email);
  const knownUserDb = lookup.userId !== undefined ? lookup.userDb : undefined;
  const db = knownUserDb !== undefined && shardOf(lookup.userId!) === homeShard ? knownUserDb : databaseForShard(env, homeShard);
  const userElsewhere = lookup.findUser !== false && lookup.userId !== undefined && shardOf(lookup.userId) !== homeShard;
  const statements: D1PreparedStatement[] = [];
  const slot = (statement: D1PreparedStatement | null): number => (statement ? statements.push(statement) - 1 : -1);
  const findUser = lookup.findUser !== false;
  const userSlot = slot(userStatement(db, lookup, userElsewhere));
  const directorySlot = slot(
    findUser && lookup.userId === undefined && lookup.email !== null && shardMapOf(env).shards.length > 1 ? findDirectoryEntryStatement(db, emailDirectoryKey(lookup.email)) : null,
  );
  const claimSlot = slot(lookup.claim && lookup.emailHash !== null ? claimCheckStatement(db, lookup.emailHash, lookup.claim.nowSeconds, lookup.claim.policy) : null);
  const failureSlot = slot(lookup.emailHash !== null ? findLoginFailuresStatement(db, lookup.emailHash) : null);
  // A user id naming no shard of the map names nobody: not found, not a 401.
  const elsewhereDb = userElsewhere ? (knownUserDb ?? databaseOfKnownShard(env, lookup.userId!)) : null;
  const [results, elsewhere] = await Promise.all([
    statements.length === 0 ? Promise.resolve([]) : runStorage('read login state', () => db.batch(statements)),
    elsewhereDb !== null ? findUserIn(elsewhereDb, lookup.userId!) : Promise.resolve(null),
  ]);
  let user = userElsewhere ? elsewhere : userSlot < 0 ? null : readUser(results[userSlot]);
  let userDb = userElsewhere ? elsewhereDb : db;
  const ownerId = directorySlot < 0 ? null : readDirectoryUserId(results[directorySlot]);
  if (user === null && ownerId !== null && lookup.email !== null && shardOf(ownerId) !== homeShard) {
    userDb = databaseOfKnownShard(env, ownerId);
    user = await followDirectoryEntry(userDb, lookup.email, ownerId);
  }
  return {
    user,
    userDb: user === null ? null : userDb,
    failures: failureSlot < 0 ? null : readLoginFailures(results[failureSlot]),
    claim: claimSlot < 0 ? null : readClaimedCheck(results[claimSlot]),
    homeShard,
    homeDb: db,
  };
}

// The statement finding the user on the home shard, if the user is looked up there.
function userStatement(db: D1Database, lookup: LoginLookup, userElsewhere: boolean): D1PreparedStatement | null {
  if (lookup.findUser === false || userElsewhere) return null;
  if (lookup.userId !== undefined) return findUserByIdStatement(db, lookup.userId);
  return lookup.email !== null ? findUserByEmailStatement(db, lookup.email) : null;
}

/** A check granted under a claim: what ending it needs (the email's failure record lives on its home shard). */
export interface GrantedCheck {
  emailHash: string;
  claim: ClaimedCheck;
  /** The shard holding the email's failure record. */
  homeShard: string;
  /** The database of `homeShard` (`LoginState.homeDb`). */
  homeDb: D1Database;
}

/**
 * How to end a granted check beside a write on the user's shard: `settle`
 * (a success: forget the failures) or `release` (give the claim back and
 * keep the count, for a right password still short of its second factor).
 * When the failure record is on the user's shard, `statements` ride in the
 * caller's batch and `afterwards` does nothing; otherwise `statements` is
 * empty and `afterwards` ends the check on the home shard (one more round
 * trip). Call `afterwards` once the caller's batch has run. `userDb`: the
 * database of the user's shard, where the caller's batch runs.
 */
export function endCheckBeside(
  userDb: D1Database,
  userId: string,
  check: GrantedCheck | null,
  how: 'settle' | 'release',
  nowSeconds: number,
): { statements: D1PreparedStatement[]; afterwards: () => Promise<void> } {
  if (check === null) return { statements: [], afterwards: async () => {} };
  if (shardOf(userId) === check.homeShard) return { statements: checkEndingStatements(userDb, check, how, nowSeconds), afterwards: async () => {} };
  return { statements: [], afterwards: () => endCheckOnHomeShard(check, how, nowSeconds) };
}

function checkEndingStatements(db: D1Database, check: GrantedCheck, how: 'settle' | 'release', nowSeconds: number): D1PreparedStatement[] {
  return how === 'settle' ? settleSuccessfulCheckStatements(db, check.emailHash, check.claim, nowSeconds) : [releaseClaimStatement(db, check.emailHash, nowSeconds)];
}

/** Ends a granted check in its own batch on the email's home shard. One round trip. */
export async function endCheckOnHomeShard(check: GrantedCheck, how: 'settle' | 'release', nowSeconds: number): Promise<void> {
  const db = check.homeDb;
  await runStorage(`${how} password check`, () => db.batch(checkEndingStatements(db, check, how, nowSeconds)));
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
 * Where a failed check is recorded, as the first look (`readLoginState`)
 * resolved it: the email's home shard and its database (the failure
 * record), and the database of the user's shard (the events of a user
 * living elsewhere).
 */
export type FailureShards = Pick<LoginState, 'homeShard' | 'homeDb' | 'userDb'>;

/**
 * Settles a claimed check that failed, in one batch (one round trip) with
 * its events: the claim is released and the failure counted. Returns the
 * lock it started, if it started one.
 */
export async function recordFailedLogin(shards: FailureShards, failure: FailedLogin): Promise<{ lockedUntil: number; lockouts: number } | null> {
  const { homeShard, homeDb: db, userDb } = shards;
  const userId = failure.failedEvent.userId;
  // Events belong on the user's shard: a user living elsewhere gets them there, and the home batch sends the same statements inserting nothing.
  const eventsElsewhere = userId !== null && shardOf(userId) !== homeShard;
  const here = (event: AuthEventInput): AuthEventInput => (eventsElsewhere ? { ...event, userId: null } : event);
  const statements = recordLoginFailureStatements(db, failure.emailHash, failure.nowSeconds, failure.policy);
  const lockSlot = statements.length - 1;
  // changes() still counts the rows of the lock statement just before: the event lands only if a lock started.
  statements.push(insertAuthEventStatement(db, here(failure.lockoutEvent), failure.nowSeconds, { sql: 'changes() > 0 AND ?2 IS NOT NULL', parameters: [] }));
  statements.push(insertAuthEventStatement(db, here(failure.failedEvent), failure.nowSeconds, { sql: '?2 IS NOT NULL', parameters: [] }));
  const results = await runStorage('record failed login', () => db.batch(statements));
  const lock = readStartedLock(results[lockSlot]);
  if (eventsElsewhere && userDb !== null) {
    const events = lock ? [failure.lockoutEvent, failure.failedEvent] : [failure.failedEvent];
    await runStorage('record failed login events', () => userDb.batch(events.map((event) => insertAuthEventStatement(userDb, event, failure.nowSeconds))));
  }
  return lock;
}
