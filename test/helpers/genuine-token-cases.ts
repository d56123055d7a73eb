// The genuine tokens every verifier must accept: positive controls proving each refusal in the forged catalogue is about the forgery.

import { casesForKeys, resignWithConfiguredKey, type TokenCase } from './forge';

/** Inside edge-auth's 30 s clock-skew allowance. */
const WITHIN_SKEW_SECONDS = 10;

/** Genuine tokens, built from the same context as the forged catalogue; each must be accepted. */
export const GENUINE_TOKEN_CASES: readonly TokenCase[] = [
  { name: 'the genuine token as issued', build: async (context) => context.validToken },
  ...['EdDSA', 'ES256', 'RS256'].map(
    (alg): TokenCase => ({
      name: `the same claims re-signed by the configured ${alg} key`,
      requires: [alg],
      build: (context) => resignWithConfiguredKey(context, { alg }),
    }),
  ),
  {
    name: 'a token that expired less than the allowed 30 s of clock skew ago',
    build: (context) => resignWithConfiguredKey(context, { payload: (claims) => ({ ...claims, exp: context.nowSeconds - WITHIN_SKEW_SECONDS }) }),
  },
  {
    name: 'aud as an array that contains ours, and typ application/at+jwt',
    build: (context) =>
      resignWithConfiguredKey(context, {
        header: (header) => ({ ...header, typ: 'application/at+jwt' }),
        payload: (claims) => ({ ...claims, aud: ['another-api', claims.aud] }),
      }),
  },
];

/** The genuine controls that apply to a verifier configured with these keys. */
export function genuineTokenCasesFor(signingKeys: readonly { alg: string }[]): readonly TokenCase[] {
  return casesForKeys(GENUINE_TOKEN_CASES, signingKeys);
}
