// The routes the bench measures, the signed-in fixtures they need, and storage counts per operation.

const PASSWORD = 'a perfectly fine bench passphrase';
const COUNTED_REQUESTS = 5;

async function postJson(url, path, body) {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function logIn(url, email) {
  const response = await postJson(url, '/auth/login', { email, password: PASSWORD, token_delivery: 'body' });
  if (response.status !== 200) throw new Error(`bench login failed: ${response.status} ${await response.text()}`);
  const body = await response.json();
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString('utf8'));
  return { accessToken: body.access_token, refreshToken: body.refresh_token, sessionId: claims.sid };
}

/**
 * Seeds `seedUsers` users with a session each, registers the bench user and
 * signs it in once (its access token and session serve the read routes).
 */
export async function prepareFixtures(url, { seedUsers }) {
  const seeded = await fetch(`${url}/__bench/seed?users=${seedUsers}`, { method: 'POST' });
  if (seeded.status !== 200) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
  const { access_tokens: seededAccessTokens } = await seeded.json();
  const email = `bench-${Date.now()}@bench.test`;
  const registered = await postJson(url, '/auth/register', { email, password: PASSWORD });
  if (registered.status !== 201) throw new Error(`bench register failed: ${registered.status} ${await registered.text()}`);
  // The login route signs in as these, round-robin: one account takes at most
  // LOGIN_MAX_FAILURES password checks at once (the attempt claim), and a real
  // load spreads over many accounts.
  const loginEmails = [];
  for (let i = 0; i < LOGIN_ACCOUNTS; i++) {
    const loginEmail = `bench-login-${i}-${Date.now()}@bench.test`;
    const created = await postJson(url, '/auth/register', { email: loginEmail, password: PASSWORD });
    if (created.status !== 201) throw new Error(`bench register failed: ${created.status} ${await created.text()}`);
    loginEmails.push(loginEmail);
  }
  return { email, session: await logIn(url, email), seededAccessTokens, loginEmails };
}

/** Accounts the login route rotates over. */
const LOGIN_ACCOUNTS = 20;

// POST /auth/login over several accounts in turn.
function loginRoundRobin(emails) {
  let sent = 0;
  return {
    async refill() {},
    prepare() {
      return { body: JSON.stringify({ email: emails[sent++ % emails.length], password: PASSWORD, token_delivery: 'body' }) };
    },
    remember() {},
  };
}

/** Requests per session in a row: how a single-page app calls its API after a navigation. */
export const BURST_LENGTH = 5;

// /auth/me from many sessions: each token serves a short burst, then the next
// session's turn comes (round-robin over every seeded session), so the
// revocation cache sees what it would see in production rather than one hot sid.
function sessionBursts(accessTokens) {
  let sent = 0;
  return {
    async refill() {},
    prepare() {
      const token = accessTokens[Math.floor(sent++ / BURST_LENGTH) % accessTokens.length];
      return { headers: { Authorization: `Bearer ${token}` } };
    },
    remember() {},
  };
}

// autocannon clears a connection's context between requests, so the live
// tokens sit in one pool: a request takes one, its response returns the
// successor, and the pool keeps one token per connection. A run that stops
// drops the answers in flight, so every run starts from freshly signed-in
// sessions.
function refreshChain(url, email, connections) {
  const pool = [];
  return {
    async refill() {
      pool.length = 0;
      for (let i = 0; i < connections; i++) pool.push((await logIn(url, email)).refreshToken);
    },
    prepare() {
      return { body: JSON.stringify({ refresh_token: pool.pop() }) };
    },
    remember(status, responseBody) {
      if (status === 200) pool.push(JSON.parse(responseBody).refresh_token);
    },
  };
}

/**
 * The measured routes, in run order. `storage` marks a route whose
 * throughput depends on the local KV or D1 simulator.
 */
export function buildScenarios(url, fixtures, connections) {
  const { session } = fixtures;
  const bearer = { Authorization: `Bearer ${session.accessToken}` };
  const json = { 'Content-Type': 'application/json' };
  return [
    { key: 'bare', label: 'bare JSON (floor)', path: '/__bench/bare' },
    { key: 'verify', label: 'verify only (signature + claims)', path: '/__bench/verify', headers: bearer },
    { key: 'me', label: 'GET /auth/me (many sessions, bursts)', path: '/auth/me', headers: bearer, nextRequest: sessionBursts(fixtures.seededAccessTokens), storage: 'KV' },
    { key: 'hono-jwk', label: 'peer: hono jwk middleware', path: '/__bench/peer/hono-jwk', headers: bearer },
    { key: 'd1-session', label: 'peer: D1 session lookup', path: '/__bench/peer/d1-session', headers: { Authorization: `Bearer ${session.sessionId}` }, storage: 'D1' },
    { key: 'refresh', label: 'POST /auth/refresh', method: 'POST', path: '/auth/refresh', headers: json, nextRequest: refreshChain(url, fixtures.email, connections), storage: 'D1' },
    { key: 'login', label: 'POST /auth/login', method: 'POST', path: '/auth/login', headers: json, nextRequest: loginRoundRobin(fixtures.loginEmails), storage: 'D1' },
    { key: 'jwks', label: 'GET /.well-known/jwks.json', path: '/.well-known/jwks.json' },
    { key: 'bare-again', label: 'bare JSON again (drift)', path: '/__bench/bare' },
  ];
}

const COUNTED_OPERATIONS = ['verify', 'me', 'hono-jwk', 'd1-session', 'refresh', 'login', 'jwks'];

/**
 * Sends a few requests of each operation through the counted bindings and
 * returns storage operations per request, keyed by scenario key.
 */
export async function countStorageOperations(url, scenarios, fixtures) {
  const countHeader = { 'X-Bench-Count': '1' };
  let { refreshToken } = await logIn(url, fixtures.email);
  const perOperation = {};
  await fetch(`${url}/__bench/counts`);
  for (const scenario of scenarios.filter((candidate) => COUNTED_OPERATIONS.includes(candidate.key))) {
    for (let i = 0; i < COUNTED_REQUESTS; i++) {
      const body = scenario.key === 'refresh' ? JSON.stringify({ refresh_token: refreshToken }) : (scenario.nextRequest?.prepare().body ?? scenario.body);
      const response = await fetch(`${url}${scenario.path}`, { method: scenario.method ?? 'GET', headers: { ...scenario.headers, ...countHeader }, body });
      if (response.status !== 200) throw new Error(`${scenario.label} answered ${response.status} while counting`);
      const answer = await response.json();
      if (scenario.key === 'refresh') refreshToken = answer.refresh_token;
    }
    const counts = await (await fetch(`${url}/__bench/counts`)).json();
    perOperation[scenario.key] = Object.fromEntries(Object.entries(counts).map(([name, value]) => [name, value / COUNTED_REQUESTS]));
  }
  return perOperation;
}
