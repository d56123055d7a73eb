// The soak's HTTP side: one simulated user with sessions in cookie or body delivery, timed and checked per request.

const COOKIE_NAME = '__Host-edge_auth_refresh';
const COOKIE_PATTERN = /__Host-edge_auth_refresh=([^;]*)/;

/** Latencies and outcomes per operation, plus every broken expectation. */
export class SoakRecorder {
  constructor() {
    this.latencies = new Map();
    this.statuses = new Map();
    this.violations = [];
    this.requests = 0;
    this.serverErrors = 0;
  }

  record(operation, status, milliseconds) {
    this.requests++;
    if (status >= 500) this.serverErrors++;
    if (!this.latencies.has(operation)) this.latencies.set(operation, []);
    this.latencies.get(operation).push(milliseconds);
    const key = `${operation} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  violation(message) {
    if (this.violations.length < 200) this.violations.push(message);
  }
}

/** Sends one request and records it; never throws for an HTTP status. */
export async function timedFetch(recorder, baseUrl, operation, path, { method = 'GET', headers = {}, body } = {}) {
  const started = performance.now();
  let response;
  try {
    response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  } catch (error) {
    recorder.record(operation, 599, performance.now() - started);
    recorder.violation(`${operation}: network error ${error.message}`);
    return { status: 599, json: null, headers: new globalThis.Headers() };
  }
  const text = await response.text();
  recorder.record(operation, response.status, performance.now() - started);
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    recorder.violation(`${operation}: non-JSON body with status ${response.status}`);
  }
  return { status: response.status, json, headers: response.headers };
}

function jsonRequest(body, extraHeaders = {}) {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', ...extraHeaders }, body: JSON.stringify(body) };
}

/** A simulated person: one account, any number of sessions (devices), each with its own delivery channel. */
export class SoakUser {
  constructor({ baseUrl, recorder, index, email }) {
    this.baseUrl = baseUrl;
    this.recorder = recorder;
    this.email = email;
    this.password = `soak passphrase number ${index} ${Math.random().toString(36).slice(2)}`;
    this.sessions = [];
  }

  call(operation, path, init) {
    return timedFetch(this.recorder, this.baseUrl, operation, path, init);
  }

  liveSessions() {
    return this.sessions.filter((session) => !session.revoked);
  }

  async register() {
    const response = await this.call('register', '/auth/register', jsonRequest({ email: this.email, password: this.password }));
    if (response.status !== 201) this.recorder.violation(`register: expected 201, got ${response.status}`);
    return response.status === 201;
  }

  async logIn() {
    const delivery = Math.random() < 0.5 ? 'cookie' : 'body';
    const response = await this.call('login', '/auth/login', jsonRequest({ email: this.email, password: this.password, token_delivery: delivery }));
    if (response.status !== 200) return this.recorder.violation(`login: expected 200, got ${response.status}`);
    const refreshToken = delivery === 'body' ? response.json.refresh_token : COOKIE_PATTERN.exec(response.headers.get('set-cookie') ?? '')?.[1];
    this.sessions.push({ delivery, accessToken: response.json.access_token, refreshToken, revoked: false });
  }

  refreshRequest(session) {
    return session.delivery === 'cookie'
      ? { method: 'POST', headers: { Cookie: `${COOKIE_NAME}=${session.refreshToken}` } }
      : jsonRequest({ refresh_token: session.refreshToken });
  }

  /** Reads the rotated refresh token out of a refresh response, in the channel it came in. */
  successorFrom(session, response) {
    return session.delivery === 'body' ? response.json?.refresh_token : COOKIE_PATTERN.exec(response.headers.get('set-cookie') ?? '')?.[1];
  }

  async callProtected(session) {
    const response = await this.call('me', '/auth/me', { headers: { Authorization: `Bearer ${session.accessToken}` } });
    if (response.status !== 200) this.recorder.violation(`me: live session answered ${response.status}`);
  }

  async refresh(session) {
    const response = await this.call('refresh', '/auth/refresh', this.refreshRequest(session));
    if (response.status !== 200) return this.recorder.violation(`refresh: live session answered ${response.status}`);
    session.refreshToken = this.successorFrom(session, response);
    session.accessToken = response.json.access_token;
  }

  /** Two tabs refresh with the same token at once: both must succeed with the same successor. */
  async refreshFromTwoTabs(session) {
    const [first, second] = await Promise.all([
      this.call('refresh (two tabs)', '/auth/refresh', this.refreshRequest(session)),
      this.call('refresh (two tabs)', '/auth/refresh', this.refreshRequest(session)),
    ]);
    if (first.status !== 200 || second.status !== 200) {
      return this.recorder.violation(`two-tab refresh: answered ${first.status} and ${second.status}`);
    }
    const [firstSuccessor, secondSuccessor] = [this.successorFrom(session, first), this.successorFrom(session, second)];
    if (firstSuccessor !== secondSuccessor) this.recorder.violation('two-tab refresh: the tabs got different successors');
    session.refreshToken = firstSuccessor;
    session.accessToken = second.json.access_token;
  }

  async logOut(session) {
    const request = this.refreshRequest(session);
    request.headers = { ...request.headers, Authorization: `Bearer ${session.accessToken}` };
    const response = await this.call('logout', '/auth/logout', request);
    if (response.status !== 204) return this.recorder.violation(`logout: expected 204, got ${response.status}`);
    session.revoked = true;
  }

  async logOutEverywhere(session) {
    const response = await this.call('logout-all', '/auth/logout-all', { method: 'POST', headers: { Authorization: `Bearer ${session.accessToken}` } });
    if (response.status !== 204) return this.recorder.violation(`logout-all: expected 204, got ${response.status}`);
    for (const each of this.sessions) each.revoked = true;
  }
}

/** A fresh address for user `index`: unique to this run, lower-case (as the service normalises it). */
export function soakEmail(index) {
  return `soak-${Date.now()}-${index}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

/** A burst of invalid requests: each must be a 4xx, never a 5xx, and must not disturb anyone's session. */
export async function sendInvalidBurst(recorder, baseUrl, victimEmail) {
  const attempts = [
    ['/auth/me', { headers: { Authorization: 'Bearer not-a-token' } }],
    ['/auth/me', { headers: { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } }],
    ['/auth/login', jsonRequest({ email: `nobody-${Math.random()}@example.test`, password: 'wrong wrong wrong' })],
    ['/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":' }],
    ['/auth/login', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'email=x' }],
    ['/auth/register', jsonRequest({ email: victimEmail, password: 'another fine passphrase' })],
    ['/auth/refresh', { method: 'POST', headers: { Cookie: `${COOKIE_NAME}=00.${'A'.repeat(43)}` } }],
    ['/auth/refresh', jsonRequest({ refresh_token: 'garbage' })],
    ['/does/not/exist', {}],
    ['/auth/me?access_token=x', {}],
  ];
  for (const [path, init] of attempts) {
    const response = await timedFetch(recorder, baseUrl, 'invalid', path, init);
    if (response.status < 400 || response.status >= 500) recorder.violation(`invalid request ${path} answered ${response.status}`);
  }
}
