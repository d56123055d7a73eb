// What a route hands the auth functions so they can tell an account's owner of a change (see account/security-notice.ts).

import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import type { SecurityNotices } from './security-notice';
import { publicOriginFor } from '../core/public-origin';

/** The notice context of this request: its client, time, the mail queue, and `waitUntil` so mail goes after the answer. */
export function securityNoticesFor(c: Context<AppEnv>): SecurityNotices {
  return {
    env: c.env,
    settings: c.var.config.account,
    origin: publicOriginFor(c.var.config, c.req.raw),
    client: readClientInfo(c.req.raw),
    nowSeconds: c.var.nowSeconds,
    waitUntil: (work) => c.executionCtx.waitUntil(work),
  };
}
