// /openapi.json describes every route the app serves, from the same schemas that validate requests.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { loginBody } from '../../src/password/schemas';
import { createTestClient } from '../helpers/client';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[]; anyOf?: { enum?: string[]; type?: string }[] }>; required: string[]; additionalProperties: boolean }> };
}

async function fetchDocument(): Promise<OpenApiDocument> {
  const response = await createTestClient().fetch('/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document', async () => {
    expect((await fetchDocument()).openapi).toBe('3.1.0');
  });

  it('serves the document built at build time, identical to one built now from the routes (else run npm run build:openapi)', async () => {
    const response = await createTestClient().fetch('/openapi.json');
    const served = (await response.json()) as { servers: { url: string }[] };
    createApp();
    expect(served).toEqual(buildOpenApiDocument(served.servers[0]?.url ?? ''));
    // The build's placeholder never reaches a reader: the deployment's own origin stands in its place.
    expect(served.servers).toHaveLength(1);
    expect(served.servers[0]?.url).not.toContain('edge-auth.invalid');
  });

  it('lists every route the app registers, with its method', async () => {
    const document = await fetchDocument();
    const served = createApp()
      .routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(5);
    for (const route of served) {
      const [method = '', path = ''] = route.split(' ');
      expect(document.paths[path], `${route} missing from /openapi.json`).toBeDefined();
      expect(document.paths[path]?.[method], `${route} missing from /openapi.json`).toBeDefined();
    }
  });

  it('describes request bodies with the schemas that validate them', async () => {
    const document = await fetchDocument();
    const ref = document.paths['/auth/login']?.post?.requestBody?.content['application/json']?.schema.$ref;
    expect(ref).toBe(`#/components/schemas/${loginBody.name}`);
    const schema = document.components.schemas[loginBody.name];
    expect(schema?.required.sort()).toEqual(['email', 'password']);
    // Optional fields also accept null (read as "not sent"), so the enum sits beside a null branch.
    expect(schema?.properties.token_delivery?.anyOf).toMatchObject([{ type: 'string', enum: ['cookie', 'body'] }, { type: 'null' }]);
    expect(schema?.additionalProperties).toBe(false);
  });
});
