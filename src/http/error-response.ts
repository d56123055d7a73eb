// Turns any thrown value into the contract's JSON error response.

import { readClientInfo } from './client-info';
import { AuthError, type ErrorCode } from '../core/errors';
import { logAuthEvent, logEvent, type AuthEventName } from '../core/log';

/** Client errors that are auth events worth a log line (the flows log their successes). */
const AUTH_EVENT_BY_CODE: Partial<Record<ErrorCode, AuthEventName>> = {
  invalid_credentials: 'login_failed',
  invalid_refresh_token: 'refresh_failed',
  too_many_attempts: 'rate_limited',
};

/** Builds `{"error","message"}` with the status and headers the error calls for. */
export function errorResponse(error: AuthError): Response {
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8', ...error.headers });
  for (const cookie of error.setCookies) headers.append('Set-Cookie', cookie);
  if (error.retryAfterSeconds !== undefined) headers.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  return new Response(JSON.stringify({ ...error.details, error: error.code, message: error.message }), { status: error.status, headers });
}

/** Maps an unexpected error to a generic 500 (or 503 for storage outages) and logs it. */
export function toAuthError(error: unknown, request: Request): AuthError {
  if (error instanceof AuthError) {
    const path = new URL(request.url).pathname;
    const authEvent = AUTH_EVENT_BY_CODE[error.code];
    if (authEvent) logAuthEvent(authEvent, { reason: error.logReason, path, ip: readClientInfo(request).ip });
    if (error.status >= 500) logEvent('error', 'request_failed', { code: error.code, path, message: error.message });
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  const path = new URL(request.url).pathname;
  logEvent('error', 'unexpected_error', { path, message: message.slice(0, 500) });
  return new AuthError('server_error', 'Something went wrong on our side. Please try again.');
}
