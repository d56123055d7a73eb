// Worker entry: the HTTP app, the cron (cleanup and key rotation), and the AuthService RPC entrypoint.

import { createApp } from './app';
import type { Bindings } from './app-env';
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
} satisfies ExportedHandler<Bindings>;

export { AuthService } from './rpc/auth-service';
