// The admin capability: operator routes behind the admin role, and the lifecycle review entries (migration 0013).

import type { Capability } from '../http/capability';
import { forgetLifecycleReviewStatement } from './lifecycle-review-rows';
import { addAdminRoutes } from './routes';

/** Operator actions over HTTP (the `npm run admin` script works without them). */
export const adminCapability: Capability = {
  name: 'admin',
  canBeDisabled: true,
  addRoutes: addAdminRoutes,
  // Not a way in: the review entry that counted the ways in goes with them.
  waysIn: { remove: (db, userId) => [forgetLifecycleReviewStatement(db, userId)] },
};
