// Reading the sign-in page's forms: application/x-www-form-urlencoded, each field at most once.

import { AuthError } from '../core/errors';

/**
 * The form's fields. 415 for another media type, 400 for a repeated field
 * (one reading for us and another for a proxy). The app's body cap (16 KiB)
 * applies before this.
 */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') throw new AuthError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await request.text())) {
    if (Object.hasOwn(fields, name)) throw new AuthError('invalid_request', 'The form repeats a field.');
    fields[name] = value;
  }
  return fields;
}
