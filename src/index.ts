// Worker entry: the HTTP app, the cron (cleanup and key rotation), and the AuthService RPC entrypoint.

import { createApp } from './app';
import type { Bindings } from './http/app-env';
import { handleMailBatch } from './mail/consumer';
import { runScheduledCleanup } from './scheduled';
import { rotateSigningKeysIfDue } from './tokens/key-rotation';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  scheduled: async (controller, env) => {
    const nowSeconds = Math.floor(controller.scheduledTime / 1000);
    await Promise.all([
      runScheduledCleanup(env, nowSeconds),
      rotateSigningKeysIfDue(env as unknown as Parameters<typeof rotateSigningKeysIfDue>[0], nowSeconds),
    ]);
  },
  // The mail queue and its dead-letter queue (wrangler.toml): delivery with retries, then a log line per dead letter.
  queue: (batch, env) => handleMailBatch(batch, env as unknown as Parameters<typeof handleMailBatch>[1]),
} satisfies ExportedHandler<Bindings>;

export { AuthService } from './rpc/auth-service';
