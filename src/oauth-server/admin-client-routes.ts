// Admin routes that register, list and delete the authorization server's clients (admin role).

import type { Hono } from 'hono';
import { AuthError } from '../core/errors';
import { logEvent } from '../core/log';
import type { AppEnv } from '../http/app-env';
import { readJsonBody } from '../http/body';
import { defineRoute } from '../http/define-route';
import { requireAuth, requireRole } from '../sessions/require-auth';
import { clientRegistrationBody } from './client-body';
import { parseClientMetadata } from './client-metadata';
import { deleteClient, listClients, registerClient } from './client-rows';
import { clientListResponse, clientRegistrationResponse, clientView } from './responses';

/** The scopes OAUTH_RESOURCES offers, across every resource. */
export function resourceScopesOf(resources: ReadonlyMap<string, readonly string[]>): ReadonlySet<string> {
  return new Set([...resources.values()].flat());
}

const adminErrors = { 401: 'invalid_token.', 403: 'insufficient_scope: needs the admin role.' } as const;

/** Adds POST/GET /admin/oauth/clients and DELETE /admin/oauth/clients/:id. */
export function addAdminClientRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/admin/oauth/clients', tag: 'Authorization server', auth: 'bearer-admin', body: clientRegistrationBody,
      summary: 'Register a client (RFC 7591 metadata plus "first_party"); a confidential client\'s secret is shown this once.',
      responses: { 201: { description: 'The client as RFC 7591 answers it.', body: clientRegistrationResponse }, ...adminErrors },
    },
    requireAuth(),
    requireRole('admin'),
    async (c) => {
      const metadata = parseClientMetadata(await readJsonBody(c.req.raw), resourceScopesOf(c.var.config.oauthServer.resources));
      const { client, secret } = await registerClient(c.env, metadata, c.var.nowSeconds);
      logEvent('info', 'oauth_client_registered', { admin_user_id: c.var.auth.userId, client_id: client.clientId });
      const body = secret === null ? clientView(client) : { ...clientView(client), client_secret: secret, client_secret_expires_at: 0 };
      return c.json(body, 201, { 'Cache-Control': 'no-store' });
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/admin/oauth/clients', tag: 'Authorization server', auth: 'bearer-admin',
      summary: 'Every registered client, newest first (never a secret).',
      responses: { 200: { description: '{"clients":[…]}', body: clientListResponse }, ...adminErrors },
    },
    requireAuth(),
    requireRole('admin'),
    async (c) => c.json({ clients: (await listClients(c.env)).map(clientView) }),
  );

  defineRoute(
    app,
    {
      method: 'DELETE', path: '/admin/oauth/clients/:id', tag: 'Authorization server', auth: 'bearer-admin',
      summary: 'Delete a client: it can no longer sign anyone in or redeem anything.',
      responses: { 204: 'Deleted.', ...adminErrors, 404: 'not_found: no such client.' },
    },
    requireAuth(),
    requireRole('admin'),
    async (c) => {
      const clientId = c.req.param('id') ?? '';
      if (!(await deleteClient(c.env, clientId))) throw new AuthError('not_found', 'There is no client with this id.');
      logEvent('info', 'oauth_client_deleted', { admin_user_id: c.var.auth.userId, client_id: clientId });
      return c.body(null, 204);
    },
  );
}
