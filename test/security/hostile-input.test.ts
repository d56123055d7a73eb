// Hostile request bodies: Unicode tricks in emails, NUL bytes, huge passwords, duplicate keys, BOMs, streams past the cap, wrong media types.
import { describe, expect, it } from 'vitest';
import { createTestClient, DEFAULT_PASSWORD, uniqueEmail, type TestClient } from '../helpers/client';
import { countOnEveryShard } from '../helpers/shards';

const encoder = new TextEncoder();

function postRaw(client: TestClient, path: string, body: BodyInit, contentType: string | null = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType };
  return client.fetch(path, { method: 'POST', headers, body });
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ error: code });
}

async function countUsersLike(localPart: string): Promise<number> {
  return countOnEveryShard('SELECT COUNT(*) AS n FROM users WHERE email LIKE ?1', `%${localPart}%`);
}

describe('emails: one account per address whatever its Unicode form or letter case', () => {
  const tag = () => crypto.randomUUID().slice(0, 8);

  it.each([
    ['NFC then NFD', (local: string) => `jos\u00e9-${local}@example.test`, (local: string) => `jose\u0301-${local}@example.test`],
    ['lower then upper case', (local: string) => `kate-${local}@example.test`, (local: string) => `KATE-${local}@EXAMPLE.TEST`],
    ['ASCII K then the Kelvin sign', (local: string) => `kelvin-${local}@example.test`, (local: string) => `\u212Aelvin-${local}@example.test`],
    ['bare then padded with spaces', (local: string) => `pad-${local}@example.test`, (local: string) => `  pad-${local}@example.test\t`],
  ])('refuses a second account for %s (409)', async (_name, first, second) => {
    const client = createTestClient();
    const local = tag();
    expect((await client.postJson('/auth/register', { email: first(local), password: DEFAULT_PASSWORD })).status).toBe(201);
    await expectError(await client.postJson('/auth/register', { email: second(local), password: DEFAULT_PASSWORD }), 409, 'email_taken');
    expect(await countUsersLike(local)).toBe(1);
  });

  it('lets the account sign in with the other Unicode form of its address', async () => {
    const client = createTestClient();
    const local = tag();
    expect((await client.postJson('/auth/register', { email: `ren\u00e9e-${local}@example.test`, password: DEFAULT_PASSWORD })).status).toBe(201);
    expect((await client.postJson('/auth/login', { email: `RENE\u0301E-${local}@example.test`, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it.each([
    ['a zero-width space', '\u200B'],
    ['a zero-width joiner', '\u200D'],
    ['a soft hyphen', '\u00AD'],
    ['a byte-order mark', '\uFEFF'],
    ['a right-to-left override', '\u202E'],
    ['a NUL byte', '\u0000'],
    ['a newline', '\n'],
    ['half a surrogate pair', '\uD800'],
  ])('refuses an email containing %s (400), so it cannot shadow an existing account', async (_name, invisible) => {
    const client = createTestClient();
    const local = tag();
    expect((await client.postJson('/auth/register', { email: `zw-${local}@example.test`, password: DEFAULT_PASSWORD })).status).toBe(201);
    await expectError(await client.postJson('/auth/register', { email: `zw-${invisible}${local}@example.test`, password: DEFAULT_PASSWORD }), 400, 'invalid_request');
    expect(await countUsersLike(local)).toBe(1);
  });
});

describe('passwords at the edges', () => {
  it('refuses a 10,000-character password on register and login without touching the database', async () => {
    const client = createTestClient();
    const password = 'x'.repeat(10_000);
    client.storage.resetCounts();
    await expectError(await client.postJson('/auth/register', { email: uniqueEmail(), password }), 400, 'invalid_request');
    await expectError(await client.postJson('/auth/login', { email: uniqueEmail(), password }), 400, 'invalid_request');
    expect(client.storage.counts.d1RoundTrips).toBe(0);
  });

  it('refuses a 129-character password on register as weak_password', async () => {
    const client = createTestClient();
    await expectError(await client.postJson('/auth/register', { email: uniqueEmail(), password: 'y'.repeat(129) }), 400, 'weak_password');
  });

  it('treats a NUL byte in a password as an ordinary character', async () => {
    const client = createTestClient();
    const email = uniqueEmail('nul');
    const password = 'before\u0000after and more';
    expect((await client.postJson('/auth/register', { email, password })).status).toBe(201);
    expect((await client.postJson('/auth/login', { email, password })).status).toBe(200);
    await expectError(await client.postJson('/auth/login', { email, password: 'before' }), 401, 'invalid_credentials');
    await expectError(await client.postJson('/auth/login', { email, password: 'beforeafter and more' }), 401, 'invalid_credentials');
  });

  it('refuses half a surrogate pair in a password (400), so two different passwords cannot hash alike', async () => {
    const client = createTestClient();
    await expectError(await postRaw(client, '/auth/register', `{"email":"${uniqueEmail('surrogate')}","password":"pass\\uD800word long enough"}`), 400, 'invalid_request');
    await expectError(await postRaw(client, '/auth/login', `{"email":"${uniqueEmail('surrogate')}","password":"pass\\uDC00word long enough"}`), 400, 'invalid_request');
  });

  it('accepts a full surrogate pair (an emoji) in a password', async () => {
    const client = createTestClient();
    const email = uniqueEmail('emoji');
    expect((await client.postJson('/auth/register', { email, password: 'party 🎉 passphrase' })).status).toBe(201);
    expect((await client.postJson('/auth/login', { email, password: 'party 🎉 passphrase' })).status).toBe(200);
  });

  it('refuses a NUL byte in a field name as an unknown field', async () => {
    const client = createTestClient();
    await expectError(await client.postJson('/auth/login', { 'email\u0000': uniqueEmail(), password: DEFAULT_PASSWORD }), 400, 'invalid_request');
  });
});

describe('JSON bodies that parse ambiguously', () => {
  it('refuses a body that repeats a field (400), whichever value would win', async () => {
    const client = createTestClient();
    const email = uniqueEmail('dup');
    await expectError(await postRaw(client, '/auth/register', `{"email":"${email}","password":"${DEFAULT_PASSWORD}","email":"other-${email}"}`), 400, 'invalid_request');
    await expectError(await postRaw(client, '/auth/register', `{"email":"${email}","password":"${DEFAULT_PASSWORD}","\\u0065mail":"x-${email}"}`), 400, 'invalid_request');
    expect(await countUsersLike(email)).toBe(0);
  });

  it('accepts one UTF-8 byte-order mark before the JSON and refuses two', async () => {
    const client = createTestClient();
    const json = JSON.stringify({ email: uniqueEmail('bom'), password: DEFAULT_PASSWORD });
    expect((await postRaw(client, '/auth/register', `\uFEFF${json}`)).status).toBe(201);
    await expectError(await postRaw(client, '/auth/login', `\uFEFF\uFEFF${json}`), 400, 'invalid_request');
  });

  it('refuses UTF-16 and invalid UTF-8 bytes (400)', async () => {
    const client = createTestClient();
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(encoder.encode('{"a":1}')).flatMap((byte) => [byte, 0])]);
    await expectError(await postRaw(client, '/auth/login', utf16), 400, 'invalid_request');
    await expectError(await postRaw(client, '/auth/login', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])), 400, 'invalid_request');
  });

  it.each(['null', '[]', '123', '"email"', '{"email":', `${'['.repeat(4000)}${']'.repeat(4000)}`])('refuses the body %s with 400', async (body) => {
    const client = createTestClient();
    await expectError(await postRaw(client, '/auth/login', body), 400, 'invalid_request');
  });

  it('refuses fields of the wrong type (400)', async () => {
    const client = createTestClient();
    await expectError(await client.postJson('/auth/login', { email: ['a@example.test'], password: DEFAULT_PASSWORD }), 400, 'invalid_request');
    await expectError(await client.postJson('/auth/login', { email: uniqueEmail(), password: 12345678 }), 400, 'invalid_request');
  });
});

describe('body size and media type', () => {
  function streamOf(totalBytes: number, chunkBytes = 1024): ReadableStream<Uint8Array> {
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent >= totalBytes) return controller.close();
        const size = Math.min(chunkBytes, totalBytes - sent);
        controller.enqueue(encoder.encode(' '.repeat(size)));
        sent += size;
      },
    });
  }

  it('refuses a streamed body without Content-Length once it passes 16 KiB (413)', async () => {
    const client = createTestClient();
    for (const path of ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout']) {
      const response = await postRaw(client, path, streamOf(64 * 1024));
      await expectError(response, 413, 'payload_too_large');
    }
  });

  it('reads a streamed body under the cap to the end (400 for blank JSON, not 413)', async () => {
    const client = createTestClient();
    await expectError(await postRaw(client, '/auth/login', streamOf(8 * 1024)), 400, 'invalid_request');
  });

  it('refuses a declared Content-Length over 16 KiB before reading (413)', async () => {
    const client = createTestClient();
    const body = JSON.stringify({ email: uniqueEmail(), password: 'p'.repeat(17 * 1024) });
    await expectError(await postRaw(client, '/auth/login', body), 413, 'payload_too_large');
  });

  it.each([
    ['a form body', 'application/x-www-form-urlencoded', 'email=a%40example.test&password=secret123'],
    ['a text body', 'text/plain', '{"email":"a@example.test","password":"a perfectly fine passphrase"}'],
    ['a multipart body', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.test\r\n--x--'],
    ['JSON in Latin-1', 'application/json; charset=iso-8859-1', '{"email":"a@example.test","password":"a perfectly fine passphrase"}'],
    ['a JSON-like media type', 'application/json-patch+json', '{"email":"a@example.test","password":"a perfectly fine passphrase"}'],
    ['no Content-Type', null, '{"email":"a@example.test","password":"a perfectly fine passphrase"}'],
  ])('refuses %s on the JSON endpoints (415)', async (_name, contentType, body) => {
    const client = createTestClient();
    for (const path of ['/auth/register', '/auth/login']) {
      await expectError(await postRaw(client, path, body, contentType), 415, 'unsupported_media_type');
    }
  });
});
