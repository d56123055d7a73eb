// The SDK's error codes: the server's codes are all known to it, and error bodies map to them.
import { describe, expect, it } from 'vitest';
import { AuthClientError } from '../../src/client';
import { errorFromResponse, isServerErrorCode } from '../../src/client/errors';
import { STATUS_BY_CODE } from '../../src/core/errors';

describe('client SDK: error codes', () => {
  it('knows every code the service may send (the SDK keeps its own copy, since it imports nothing from the worker)', () => {
    const unknown = Object.keys(STATUS_BY_CODE).filter((code) => !isServerErrorCode(code));
    expect(unknown).toEqual([]);
  });

  it('turns a JSON error body into a typed error with its status and Retry-After', async () => {
    const response = new Response('{"error":"too_many_attempts","message":"Slow down."}', { status: 429, headers: { 'Retry-After': '30' } });

    const error = await errorFromResponse(response);

    expect(error).toBeInstanceOf(AuthClientError);
    expect(error).toMatchObject({ code: 'too_many_attempts', status: 429, retryAfterSeconds: 30, message: 'Slow down.' });
  });

  it('reports a body it does not understand as unexpected_response', async () => {
    const html = await errorFromResponse(new Response('<h1>Bad gateway</h1>', { status: 502 }));
    const unknownCode = await errorFromResponse(new Response('{"error":"made_up","message":"?"}', { status: 400 }));

    expect(html).toMatchObject({ code: 'unexpected_response', status: 502 });
    expect(unknownCode).toMatchObject({ code: 'unexpected_response', status: 400 });
  });
});
