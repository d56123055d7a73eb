// Recipe: jsonwebtoken with jwks-rsa, for ES256 or RS256 keys only: jsonwebtoken cannot verify EdDSA
// (run by test/node/interop.test.ts).
import jwt from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';

export function createJsonwebtokenVerifier({ jwksUrl, issuer, audience, algorithms }) {
  const client = jwksRsa({ jwksUri: jwksUrl, cache: true, rateLimit: true });
  return async (token) => {
    const { header } = jwt.decode(token, { complete: true }) ?? {};
    // jsonwebtoken does not check typ: do it yourself.
    if (header?.typ !== 'at+jwt' && header?.typ !== 'application/at+jwt') throw new Error('not an access token');
    const key = await client.getSigningKey(header.kid);
    return jwt.verify(token, key.getPublicKey(), { algorithms, issuer, audience, clockTolerance: 30 });
  };
}
