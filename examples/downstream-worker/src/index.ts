// A small protected API in another Worker that trusts edge-auth's access tokens through edge-auth/verify.

import { Hono } from 'hono';
import { createVerifier, type Verifier } from 'edge-auth/verify';
import { requireAccessToken, type VerifiedTokenVariables } from 'edge-auth/verify/hono';

interface Env {
  /** edge-auth's JWKS, e.g. https://auth.example.com/.well-known/jwks.json */
  EDGE_AUTH_JWKS_URL: string;
  /** edge-auth's JWT_ISSUER. */
  EDGE_AUTH_ISSUER: string;
  /** edge-auth's JWT_AUDIENCE (`edge-auth` unless changed). */
  EDGE_AUTH_AUDIENCE: string;
  /** Optional: edge-auth's own KV namespace, so logged-out sessions are refused at once. */
  EDGE_AUTH_KV?: KVNamespace;
}

type AppEnv = { Bindings: Env; Variables: VerifiedTokenVariables };

// One verifier per isolate: its JWKS cache then serves every request.
let verifier: Verifier | undefined;

function getVerifier(env: Env): Verifier {
  verifier ??= createVerifier({
    jwksUrl: env.EDGE_AUTH_JWKS_URL,
    issuer: env.EDGE_AUTH_ISSUER,
    audience: env.EDGE_AUTH_AUDIENCE,
    revocations: env.EDGE_AUTH_KV,
  });
  return verifier;
}

const app = new Hono<AppEnv>();

app.get('/', (c) => c.json({ service: 'downstream-worker', protected: ['/api/me', '/api/reports'] }));

app.use('/api/*', (c, next) => requireAccessToken(getVerifier(c.env))(c, next));

app.get('/api/me', (c) => {
  const claims = c.var.accessTokenClaims;
  return c.json({ user_id: claims.sub, session_id: claims.sid, roles: claims.roles });
});

app.get('/api/reports', (c) => {
  if (!c.var.accessTokenClaims.roles.includes('admin')) {
    return c.json({ error: 'insufficient_scope', message: 'This needs the "admin" role.' }, 403, {
      'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"',
    });
  }
  return c.json({ reports: [] });
});

export default app;
