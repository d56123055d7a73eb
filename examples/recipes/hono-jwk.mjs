// Recipe: protect a Hono app with hono's own `jwk` middleware (run by test/node/interop.test.ts).
import { Hono } from 'hono';
import { jwk } from 'hono/jwk';

export function createProtectedApp({ jwksUrl, issuer, audience, algorithms }) {
  const app = new Hono();
  app.use(
    '/api/*',
    jwk({
      jwks_uri: jwksUrl,
      alg: algorithms, // the algorithms of your keys, e.g. ['EdDSA']
      // edge-auth tokens are typed at+jwt (RFC 9068): without this, hono refuses them.
      verification: { typ: ['at+jwt', 'application/at+jwt'], iss: issuer, aud: audience },
    }),
  );
  app.get('/api/me', (c) => c.json({ sub: c.get('jwtPayload').sub }));
  return app;
}
