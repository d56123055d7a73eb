// Recipe: verify with jose's createRemoteJWKSet, in any runtime with WebCrypto (run by test/node/interop.test.ts).
import { createRemoteJWKSet, jwtVerify } from 'jose';

export function createJoseVerifier({ jwksUrl, issuer, audience, algorithms }) {
  const keys = createRemoteJWKSet(new URL(jwksUrl)); // caches, refetches on an unknown kid
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience,
      algorithms, // the algorithms of your keys
      typ: 'at+jwt',
      requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      clockTolerance: 30,
    });
    return payload;
  };
}
