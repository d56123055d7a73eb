// Prints the OpenAPI document the worker serves, built in Node from the same route registry
// (bundled by scripts/lint-openapi.mjs), for linting without a running service.
import { createApp } from '../src/app';
import { buildOpenApiDocument } from '../src/http/openapi';

createApp();
process.stdout.write(`${JSON.stringify(buildOpenApiDocument(process.argv[2] ?? 'http://127.0.0.1:8787'), null, 2)}\n`);
