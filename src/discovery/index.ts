// The service's own documents: the JWKS, health, and the OpenAPI description.

import type { Capability } from '../http/capability';
import { addWellKnownRoutes } from './routes';

/** JWKS, health and /openapi.json: verifiers and operators rely on them, so they stay on. */
export const discoveryCapability: Capability = {
  name: 'discovery',
  canBeDisabled: false,
  addRoutes: addWellKnownRoutes,
};
