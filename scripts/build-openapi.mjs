#!/usr/bin/env node
// `npm run build:openapi`: builds the OpenAPI document from the routes in src/ into dist/demo/openapi.json, the static
// asset /openapi.json is served from (the worker adds its origin). `npm run build:demo` does it too, and so does the
// workerd suite's global setup, so a test never reads a stale document.
import { writeOpenApiAsset } from './lib/openapi-build.mjs';

const bytes = await writeOpenApiAsset();
console.log(`wrote dist/demo/openapi.json (${bytes} bytes)`);
