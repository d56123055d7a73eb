// The account capability: verification, password reset, email change, deletion; mailed links' and mail counters' cleanup.

import type { Capability } from '../http/capability';
import { MAIL_LIMIT_WINDOW_SECONDS } from './mail-limits';
import { addAccountRoutes } from './routes';

/** Recovering and changing the account itself: every deployment has it. */
export const accountCapability: Capability = {
  name: 'account',
  canBeDisabled: false,
  addRoutes: addAccountRoutes,
  sweeps: [
    // An expired link can never be used; a mail counter whose hour has passed limits nothing.
    { key: 'emailLinks', sql: 'DELETE FROM email_links WHERE token_hash IN (SELECT token_hash FROM email_links WHERE expires_at <= ?1 LIMIT ?2)', cutoff: (now) => now },
    {
      key: 'mailLimits',
      sql: 'DELETE FROM mail_limits WHERE rowid IN (SELECT rowid FROM mail_limits WHERE hour_start <= ?1 LIMIT ?2)',
      cutoff: (now) => now - MAIL_LIMIT_WINDOW_SECONDS,
    },
  ],
};
