// Reads a JSON request body under a hard size cap, with or without Content-Length.

import { AuthError } from '../core/errors';
import { findDuplicateJsonKey } from './json-duplicate-keys';

/** Bodies above this are refused with 413, whether or not they declare a length. */
export const MAX_BODY_BYTES = 16 * 1024;

/** True when the request declares or streams a body. */
export function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  if (length !== null) return length.trim() !== '0';
  return request.body !== null;
}

/** Throws 413 when Content-Length already announces more than the cap. */
export function rejectDeclaredOversizeBody(request: Request): void {
  const length = request.headers.get('content-length');
  if (length === null) return;
  const bytes = Number(length);
  if (!/^\s*\d+\s*$/.test(length)) throw new AuthError('invalid_request', 'Content-Length is not a number.');
  if (bytes > MAX_BODY_BYTES) throw payloadTooLarge();
}

/**
 * Parses the body as JSON. Returns `undefined` for an empty body when
 * `optional`; otherwise 400 (missing, malformed or with a repeated field),
 * 413 (over the cap) or 415 (not `application/json`).
 */
export async function readJsonBody(request: Request, options: { optional?: boolean } = {}): Promise<unknown> {
  rejectDeclaredOversizeBody(request);
  const bytes = await readCapped(request);
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

async function readCapped(request: Request): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw payloadTooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('invalid_request', 'The request body could not be read.');
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function payloadTooLarge(): AuthError {
  return new AuthError('payload_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
}
