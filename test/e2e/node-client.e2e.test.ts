// The README's Node example, run as a real Node program against `npm start`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './support/demo-page';

const run = promisify(execFile);
const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function runExample(tokenFile: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['examples/node-client.mjs', inject('baseUrl'), ...args], {
    env: { ...process.env, REFRESH_TOKEN_FILE: tokenFile },
  });
  return JSON.parse(stdout);
}

describe('edge-auth/client in Node (body delivery)', () => {
  it('signs in, restores the session from its stored refresh token on the next start, and logs out', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'edge-auth-node-'));
    directories.push(directory);
    const tokenFile = join(directory, 'refresh-token');
    const email = uniqueEmail('node');
    const registered = await fetch(`${inject('baseUrl')}/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(registered.status).toBe(201);

    const first = await runExample(tokenFile, email, PASSWORD);
    expect(first).toMatchObject({ user: { email } });
    const firstToken = await readFile(tokenFile, 'utf8');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const second = await runExample(tokenFile, '--logout');
    expect(second).toMatchObject({ user: { email } });
    await expect(stat(tokenFile)).rejects.toThrow();

    const replay = await fetch(`${inject('baseUrl')}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: firstToken }),
    });
    expect(replay.status).toBe(401);
  });
});
