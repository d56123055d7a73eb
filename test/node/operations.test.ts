// Against a real `npm start` (wrangler dev): the deep health check and the
// structured auth log lines as an operator sees them in wrangler's output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../support/dev-server.mjs';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('operating a running service', () => {
  it('answers GET /health?deep=1 with 200 when local D1 and KV work', async () => {
    const response = await fetch(`${server.url}/health?deep=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, d1: 'ok', kv: 'ok' });
  });

  it('prints one JSON line per auth event, without the password or tokens', async () => {
    const email = `ops-${Date.now()}@example.test`;
    const password = 'operator visible? never 4242';
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/auth/register', { email, password })).status).toBe(201);
    const login = await post('/auth/login', { email, password, token_delivery: 'body' });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };

    const deadline = Date.now() + 10_000;
    const loginLines = () => server.output().split('\n').filter((line) => line.includes('"event":"login_succeeded"'));
    while (loginLines().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const [line = ''] = loginLines();
    const record = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', event: 'login_succeeded', category: 'auth', channel: 'body' });

    const output = server.output();
    for (const secret of [password, tokens.access_token, tokens.refresh_token, email]) expect(output).not.toContain(secret);
  });
});
