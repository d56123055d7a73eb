// The password capability: register, password sign-in with its lockout, password change; failure records' cleanup.

import type { Capability } from '../http/capability';
import { addPasswordRoutes } from './routes';

/** Passwords: the way every account starts today, so it cannot be turned off. */
export const passwordCapability: Capability = {
  name: 'password',
  canBeDisabled: false,
  addRoutes: addPasswordRoutes,
  sweeps: [
    {
      key: 'loginFailures',
      sql: `DELETE FROM login_failures WHERE email_hash IN (
              SELECT email_hash FROM login_failures WHERE updated_at <= ?1 AND (locked_until IS NULL OR locked_until <= ?1) LIMIT ?2)`,
      cutoff: (now, retention) => now - retention.failureRecordRetentionSeconds,
    },
  ],
};
