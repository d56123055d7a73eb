// Caps every request body at 16 KiB (hono/body-limit) and reads a JSON body: media type, UTF-8, repeated fields.

import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AuthError } from '../core/errors';
import { findDuplicateJsonKey } from './json-duplicate-keys';

/** Bodies above this are refused with 413, whether or not they declare a length. */
export const MAX_BODY_BYTES = 16 * 1024;

const capBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AuthError('payload_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
  },
});

/**
 * Refuses, before any route reads it, a body over `MAX_BODY_BYTES` (413:
 * a declared Content-Length over the cap, or a streamed body once it
 * passes it) and a Content-Length that is not a number (400).
 */
export function capRequestBody(): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header('Content-Length');
    // body-limit would read "1e3" or "-1" as a number (parseInt); such a header is refused instead.
    if (length !== undefined && !/^\s*\d+\s*$/.test(length)) throw new AuthError('invalid_request', 'Content-Length is not a number.');
    // body-limit rebuilds the request around a streamed body, which Fetch forbids for GET and HEAD (workerd does hand them one): no route reads it.
    const streamed = length === undefined || c.req.raw.headers.has('Transfer-Encoding');
    if (streamed && (c.req.method === 'GET' || c.req.method === 'HEAD')) return next();
    return capBody(c, next);
  };
}

/**
 * Parses the body as JSON. Returns `undefined` for an empty body when
 * `optional`; otherwise 400 (missing, malformed or with a repeated field)
 * or 415 (not `application/json`). The size cap is `capRequestBody`'s, which
 * the app runs on every request before its routes.
 */
export async function readJsonBody(request: Request, options: { optional?: boolean } = {}): Promise<unknown> {
  const bytes = await readBody(request);
  if (bytes.byteLength === 0) {
    if (options.optional) return undefined;
    throw new AuthError('invalid_request', 'The request body must be a JSON object.');
  }
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new AuthError('unsupported_media_type', 'Send the body as application/json.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AuthError('invalid_request', 'The request body is not valid UTF-8.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuthError('invalid_request', 'The request body is not valid JSON.');
  }
  // A repeated field could mean one thing to us and another to a proxy or a log reader.
  if (findDuplicateJsonKey(text) !== null) throw new AuthError('invalid_request', 'The request body repeats a field.');
  return value;
}

function isJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || parameter === 'charset=utf-8' || parameter === 'charset="utf-8"');
}

async function readBody(request: Request): Promise<Uint8Array> {
  try {
    return new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new AuthError('invalid_request', 'The request body could not be read.');
  }
}
