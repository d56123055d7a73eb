// Mutants for the authorization server's core (issue 25): see scripts/lib/mutants.mjs for the shape and the rules.

const CLIENTS_TEST = 'test/integration/oauth-clients.test.ts';
const METADATA_TEST = 'test/integration/oauth-metadata.test.ts';
const CONFIG_TEST = 'test/unit/config-oauth-server.test.ts';

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'oauth-web-redirect-http-loopback',
    file: 'src/oauth-server/client-metadata.ts',
    original: "  if (applicationType === 'native') {",
    replacement: "  if (applicationType === 'native' || isLoopbackHost(url.hostname)) {",
    description: 'a web client may register a plain-http loopback redirect (RFC 8252 allows it only for native apps)',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-native-redirect-any-http',
    file: 'src/oauth-server/client-metadata.ts',
    original: "    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return uri;",
    replacement: "    if (url.protocol === 'http:') return uri;",
    description: 'a native client may register plain http on any host, so codes travel in clear',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-redirect-fragment-allowed',
    file: 'src/oauth-server/client-metadata.ts',
    original: "  if (uri.includes('#')) refuse('A redirect URI must not contain a fragment.');",
    replacement: "  if (url.hash !== '') refuse('A redirect URI must not contain a fragment.');",
    description: 'an empty fragment ("…/callback#") slips through the no-fragment rule',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-public-client-credentials',
    file: 'src/oauth-server/client-metadata.ts',
    original: "  if (grantTypes.includes('client_credentials') && method === 'none') refuse(",
    replacement: "  if (grantTypes.includes('client_credentials') && method === 'nobody') refuse(",
    description: 'a public client (no secret) may register for client_credentials, which then authenticates nobody',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-client-secret-stored-clear',
    file: 'src/oauth-server/client-rows.ts',
    original: "  const secretHash = secret === null ? null : await hashClientSecret(secret);",
    replacement: '  const secretHash = secret;',
    description: 'the client secret is stored in clear instead of its SHA-256',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-client-list-shows-secret',
    file: 'src/oauth-server/admin-client-routes.ts',
    original: '    async (c) => c.json({ clients: (await listClients(c.env)).map(clientView) }),',
    replacement: '    async (c) => c.json({ clients: await listClients(c.env) }),',
    description: "the client list answers the stored rows, secret hash included",
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-client-routes-without-role',
    file: 'src/oauth-server/admin-client-routes.ts',
    original: "    requireRole('admin'),\n    async (c) => c.json({ clients:",
    replacement: "    async (c) => c.json({ clients:",
    description: 'any signed-in user may list the registered clients',
    tests: [CLIENTS_TEST],
  },
  {
    id: 'oauth-server-off-ignored',
    file: 'src/core/config.ts',
    original: "    disabledCapabilities: oauthServerOn ? disabledCapabilities : new Set([...disabledCapabilities, 'oauth-server']),",
    replacement: '    disabledCapabilities,',
    description: 'OAUTH_SERVER=off leaves the authorization server answering',
    tests: [CONFIG_TEST, METADATA_TEST],
  },
  {
    id: 'oauth-issuer-origin-mismatch-accepted',
    file: 'src/core/oauth-server-config.ts',
    original: "  if (issuer.replace(/\\/$/, '') !== publicOrigin) {",
    replacement: '  if (false) {',
    description: 'JWT_ISSUER and PUBLIC_ORIGIN may differ with the server on, so clients fetch metadata from the wrong place',
    tests: [CONFIG_TEST],
  },
  {
    id: 'oauth-metadata-advertises-missing-endpoints',
    file: 'src/oauth-server/metadata-routes.ts',
    original: '  const endpoints = Object.fromEntries(ENDPOINTS.filter(([, path]) => methodsForPath(path, disabled).length > 0).map(',
    replacement: '  const endpoints = Object.fromEntries(ENDPOINTS.map(',
    description: 'the metadata names endpoints that answer 404',
    tests: [METADATA_TEST],
  },
  {
    id: 'oauth-metadata-pkce-plain',
    file: 'src/oauth-server/metadata-routes.ts',
    original: "    code_challenge_methods_supported: ['S256'],",
    replacement: "    code_challenge_methods_supported: ['S256', 'plain'],",
    description: 'the metadata offers the plain PKCE method OAuth 2.1 forbids',
    tests: [METADATA_TEST],
  },
];
