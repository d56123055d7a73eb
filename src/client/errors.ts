// AuthClientError: every failure the SDK reports, each with a stable code.

/** Codes the service itself puts on the wire (see the HTTP contract); a test keeps this list equal to the server's. */
export type ServerErrorCode =
  | 'invalid_request'
  | 'weak_password'
  | 'email_taken'
  | 'invalid_credentials'
  | 'too_many_attempts'
  | 'invalid_refresh_token'
  | 'forbidden_origin'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_link'
  | 'email_not_verified'
  | 'reauthentication_required'
  | 'invalid_passkey'
  | 'mfa_required'
  | 'invalid_mfa_code'
  | 'invalid_mfa_token'
  | 'totp_already_enabled'
  | 'last_sign_in_method'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'service_unavailable'
  | 'server_misconfigured'
  | 'server_error';

/** Codes the SDK adds on the client side. */
export type ClientOnlyErrorCode =
  /** No session: sign in first. */
  | 'not_signed_in'
  /** The session ended (refresh refused, revoked, expired): the client is now signed out. */
  | 'session_expired'
  /** The service could not be reached. */
  | 'network_error'
  /** The service answered something the SDK does not understand. */
  | 'unexpected_response'
  /** `fetch` was asked to send the access token to an origin it does not trust. */
  | 'untrusted_origin';

/** Every code an AuthClientError may carry. Stable: apps may switch on it. */
export type AuthClientErrorCode = ServerErrorCode | ClientOnlyErrorCode;

const SERVER_ERROR_CODES: ReadonlySet<string> = new Set<ServerErrorCode>([
  'invalid_request',
  'weak_password',
  'email_taken',
  'invalid_credentials',
  'too_many_attempts',
  'invalid_refresh_token',
  'forbidden_origin',
  'invalid_token',
  'insufficient_scope',
  'invalid_link',
  'email_not_verified',
  'reauthentication_required',
  'invalid_passkey',
  'mfa_required',
  'invalid_mfa_code',
  'invalid_mfa_token',
  'totp_already_enabled',
  'last_sign_in_method',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'service_unavailable',
  'server_misconfigured',
  'server_error',
]);

/** Extra facts about a failure. */
export interface AuthClientErrorDetails {
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** Seconds to wait before trying again (from `Retry-After`). */
  retryAfterSeconds?: number;
  /** With `mfa_required`: the token for `completeMfaLogin`, and the second factors the account takes. */
  mfaToken?: string;
  mfaMethods?: readonly string[];
  cause?: unknown;
}

/**
 * A failure with a stable `code`. The message is meant for people and may change.
 *
 * @example
 * try {
 *   await auth.login(email, password);
 * } catch (error) {
 *   if (error instanceof AuthClientError && error.code === 'invalid_credentials') showWrongPassword();
 *   if (error instanceof AuthClientError && error.code === 'mfa_required') askForCode(error.mfaToken);
 * }
 */
export class AuthClientError extends Error {
  readonly code: AuthClientErrorCode;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Set when `code` is `mfa_required`: pass it to `completeMfaLogin` with a code. */
  readonly mfaToken: string | undefined;
  readonly mfaMethods: readonly string[] | undefined;

  constructor(code: AuthClientErrorCode, message: string, details: AuthClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.mfaToken = details.mfaToken;
    this.mfaMethods = details.mfaMethods;
  }
}

/** True for a code the service may send. */
export function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return typeof code === 'string' && SERVER_ERROR_CODES.has(code);
}

/**
 * Turns an error response of the service into an AuthClientError. Unknown
 * codes and non-JSON bodies become `unexpected_response`.
 */
export async function errorFromResponse(response: Response): Promise<AuthClientError> {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const details = { status: response.status, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return new AuthClientError('unexpected_response', `The service answered ${response.status} without a JSON error.`, details);
  }
  const { error, message, mfa_token: mfaToken, methods } = (body ?? {}) as { error?: unknown; message?: unknown; mfa_token?: unknown; methods?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : `The service answered ${response.status}.`;
  if (!isServerErrorCode(error)) return new AuthClientError('unexpected_response', text, details);
  if (error === 'mfa_required' && typeof mfaToken === 'string') {
    const mfaMethods = Array.isArray(methods) ? methods.filter((method): method is string => typeof method === 'string') : [];
    return new AuthClientError(error, text, { ...details, mfaToken, mfaMethods });
  }
  return new AuthClientError(error, text, details);
}
