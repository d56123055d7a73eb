// AuthError and its closed set of codes: the only place a code maps to an HTTP status.

/** Every error code the service may put on the wire. */
export type ErrorCode =
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

/** HTTP status for each code. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_request: 400,
  weak_password: 400,
  email_taken: 409,
  invalid_credentials: 401,
  too_many_attempts: 429,
  invalid_refresh_token: 401,
  forbidden_origin: 403,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_link: 400,
  email_not_verified: 403,
  reauthentication_required: 403,
  invalid_passkey: 400,
  mfa_required: 403,
  invalid_mfa_code: 401,
  invalid_mfa_token: 401,
  totp_already_enabled: 409,
  last_sign_in_method: 409,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
  server_misconfigured: 500,
  server_error: 500,
};

/**
 * The one code the contract answers with a second status: `invalid_mfa_code`
 * is 400 when enabling TOTP (the caller is signed in; a typo, not a failed
 * sign-in) and 401 where it is a sign-in check.
 */
export const ALTERNATE_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = { invalid_mfa_code: 400 };

/** Extra response details an error may carry. */
export interface AuthErrorOptions {
  /** Seconds a client should wait (sets `Retry-After`). */
  retryAfterSeconds?: number;
  /** Why it failed, for the log only; never sent to the client. */
  logReason?: string;
  /** Extra headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
  /** `Set-Cookie` values to send (one header each), e.g. clearing the refresh cookie. */
  setCookies?: readonly string[];
  /** Answer with the code's alternate status (`ALTERNATE_STATUS_BY_CODE`) instead of its usual one. */
  alternateStatus?: boolean;
  /** More fields for the JSON body, after `error` and `message` (e.g. the `mfa_token` of `mfa_required`). */
  details?: Record<string, unknown>;
}

/**
 * An expected failure with a stable code. Routes throw it; `app.onError`
 * turns it into `{"error": code, "message": message}` with the right status.
 *
 * @example
 * throw new AuthError('invalid_credentials', 'Email or password is incorrect.');
 */
export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly logReason: string | undefined;
  readonly headers: Record<string, string>;
  readonly setCookies: readonly string[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
    this.status = (options.alternateStatus === true ? ALTERNATE_STATUS_BY_CODE[code] : undefined) ?? STATUS_BY_CODE[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.logReason = options.logReason;
    this.headers = options.headers ?? {};
    this.setCookies = options.setCookies ?? [];
    this.details = options.details ?? {};
  }
}

/** A variable in `[vars]` or a secret that does not parse. */
export class ConfigError extends AuthError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super('server_misconfigured', `Server configuration error: ${variable} ${problem}.`);
    this.variable = variable;
  }
}
