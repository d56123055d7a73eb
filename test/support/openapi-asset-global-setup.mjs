// Vitest global setup: builds the OpenAPI document into dist/demo/openapi.json before the workers start,
// so GET /openapi.json (which reads it through the ASSETS binding) always serves the routes of this tree.
import { writeOpenApiAsset } from '../../scripts/lib/openapi-build.mjs';

export default async function buildOpenApiAsset() {
  await writeOpenApiAsset();
}
