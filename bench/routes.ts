// Bench routes beside the real app: the floor, verify-only, the two peers, and seeding. Bench builds only.

import { Hono, type MiddlewareHandler } from 'hono';
import { jwk } from 'hono/jwk';
import type { Bindings } from '../src/http/app-env';
import { getConfig } from '../src/core/config';
import { errorResponse, toAuthError } from '../src/http/error-response';
import { newSessionId, newUserId } from '../src/core/ids';
import { invalidToken, readBearerToken } from '../src/sessions/require-auth';
import { hashPassword } from '../src/password/hash';
import { openSessionStatements, runBatch } from '../src/sessions/session-rows';
import { databaseForKey } from '../src/storage/database';
import { newSessionCredentials } from '../src/sessions/session-credentials';
import { insertUser, parseRoles } from '../src/storage/users';
import { getPublicJwks, signAccessToken, verifyAccessToken } from '../src/tokens/access';
import { revocationCacheStats } from '../src/sessions/revocation-cache';
import { issuerFor } from '../src/tokens/issuer';
import { SIGNING_ALGORITHMS } from '../src/core/signing-keys';

interface BenchEnv {
  Bindings: Bindings;
  Variables: { jwtPayload: Record<string, unknown> };
}

/** The body every read route answers with: the shape of `GET /auth/me`. */
function meBody(userId: string, email: string, roles: readonly string[], sessionId: string): object {
  return { user: { id: userId, email, roles }, session_id: sessionId };
}

const FLOOR_BODY = meBody('00.AAAAAAAAAAAAAAAAAAAAAA', 'floor@bench.test', [], '00.BBBBBBBBBBBBBBBBBBBBBB');
const SESSION_LIFETIME_SECONDS = 86_400;
const SEED_BATCH_SIZE = 50;

// What a user would write by hand with hono: its jwk middleware over our JWKS,
// fetched once per isolate (hono's jwks_uri option would fetch it on every request).
function honoJwkPeer(): MiddlewareHandler<BenchEnv> {
  let middleware: MiddlewareHandler<BenchEnv> | undefined;
  return (c, next) => {
    if (!middleware) {
      const config = getConfig(c.env as unknown as Record<string, unknown>);
      const published = getPublicJwks(config.signingKeys).then((jwks) => jwks.keys);
      middleware = jwk({
        keys: () => published,
        alg: [...SIGNING_ALGORITHMS],
        verification: { typ: 'at+jwt', iss: issuerFor(config, c.req.raw), aud: config.audience },
      }) as MiddlewareHandler<BenchEnv>;
    }
    return middleware(c, next);
  };
}

/**
 * Seeds `count` users, each with one open session, through the service's own
 * storage functions, and returns an access token of each session (signed as
 * a refresh would sign it), so /auth/me can be driven from many sessions.
 */
async function seedUsersWithSessions(env: Bindings, count: number, request: Request): Promise<string[]> {
  const config = getConfig(env as unknown as Record<string, unknown>);
  const signing = { keys: config.signingKeys, issuer: issuerFor(config, request), audience: config.audience };
  const accessTokens: string[] = [];
  const passwordHash = await hashPassword(`seeded password ${crypto.randomUUID()}`);
  const nowSeconds = Math.floor(Date.now() / 1000);
  for (let first = 0; first < count; first += SEED_BATCH_SIZE) {
    const indexes = Array.from({ length: Math.min(SEED_BATCH_SIZE, count - first) }, (_, offset) => first + offset);
    await Promise.all(
      indexes.map(async (index) => {
        const email = `seed-${index}-${crypto.randomUUID().slice(0, 8)}@bench.test`;
        const user = await insertUser(env, { id: newUserId(), email, passwordHash, createdAt: nowSeconds });
        if (!user) return;
        const sessionId = newSessionId();
        const db = databaseForKey(env, sessionId);
        const statements = openSessionStatements(db, {
          sessionId, userId: user.id, ...(await newSessionCredentials(sessionId)),
          createdAt: nowSeconds, expiresAt: nowSeconds + SESSION_LIFETIME_SECONDS, userAgent: 'bench', ip: null, country: null,
        });
        await runBatch(db, statements, 'seed session');
        const subject = { userId: user.id, sessionId, email, roles: [] };
        accessTokens.push((await signAccessToken(subject, { ...signing, nowSeconds }, config.accessTokenTtlSeconds)).token);
      }),
    );
  }
  return accessTokens;
}

/** The bench-only routes, all under `/__bench/`. */
export function createBenchRoutes(): Hono<BenchEnv> {
  const bench = new Hono<BenchEnv>();

  bench.get('/__bench/bare', (c) => c.json(FLOOR_BODY));

  // Signature and claims only: src/tokens/access.ts, no KV read.
  bench.get('/__bench/verify', async (c) => {
    const config = getConfig(c.env as unknown as Record<string, unknown>);
    const token = readBearerToken(c.req.raw);
    if (token === undefined) throw invalidToken(false);
    const verification = await verifyAccessToken(token, {
      keys: config.signingKeys,
      issuer: issuerFor(config, c.req.raw),
      audience: config.audience,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!verification.valid) throw invalidToken(true, verification.reason);
    const { claims } = verification;
    return c.json(meBody(claims.sub, claims.email, claims.roles, claims.sid));
  });

  bench.get('/__bench/peer/hono-jwk', honoJwkPeer(), (c) => {
    const payload = c.var.jwtPayload;
    return c.json(meBody(String(payload.sub), String(payload.email), (payload.roles as string[] | undefined) ?? [], String(payload.sid)));
  });

  // How session-table systems authenticate: the bearer is an opaque session id, looked up in D1 on every request.
  bench.get('/__bench/peer/d1-session', async (c) => {
    const sessionId = readBearerToken(c.req.raw);
    if (sessionId === undefined) throw invalidToken(false);
    const row = await c.env.DB.prepare(
      `SELECT s.id AS session_id, u.id AS user_id, u.email AS email, u.roles AS roles
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2`,
    )
      .bind(sessionId, Math.floor(Date.now() / 1000))
      .first<{ session_id: string; user_id: string; email: string; roles: string }>();
    if (!row) throw invalidToken(true, 'no such session');
    return c.json(meBody(row.user_id, row.email, parseRoles(row.roles), row.session_id));
  });

  bench.post('/__bench/seed', async (c) => {
    const count = Math.min(Number(c.req.query('users') ?? '0') || 0, 100_000);
    const accessTokens = await seedUsersWithSessions(c.env, count, c.req.raw);
    return c.json({ seeded: accessTokens.length, access_tokens: accessTokens });
  });

  // The isolate's revocation cache counters: the bench reads them around the /auth/me runs.
  bench.get('/__bench/revocation-cache', (c) => c.json(revocationCacheStats()));

  bench.onError((error, c) => errorResponse(toAuthError(error, c.req.raw)));
  return bench;
}
