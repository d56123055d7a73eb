// Response-body schemas of the TOTP capability: setup and the recovery codes of enabling.

import * as v from 'valibot';
import { namedSchema } from '../http/schema';

/** 200 of POST /auth/mfa/totp/setup. */
export const totpSetupResponse = namedSchema(
  'TotpSetup',
  v.strictObject({
    secret: v.pipe(v.string(), v.description('The secret in base32, for typing into an authenticator app.')),
    otpauth_uri: v.pipe(v.string(), v.description('The otpauth://totp/ URI to show as a QR code (SHA1, 6 digits, 30 s).')),
  }),
);
export type TotpSetupResponse = v.InferOutput<typeof totpSetupResponse.schema>;

/** 200 of POST /auth/mfa/totp/enable. */
export const recoveryCodesResponse = namedSchema(
  'RecoveryCodes',
  v.strictObject({ recovery_codes: v.pipe(v.array(v.string()), v.length(10), v.description('Ten single-use codes, shown this once: the service keeps only their hashes.')) }),
);
export type RecoveryCodesResponse = v.InferOutput<typeof recoveryCodesResponse.schema>;
