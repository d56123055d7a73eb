// Worker entry: the HTTP app.

import { createApp } from './app';
import type { Bindings } from './app-env';
import { rotateSigningKeysIfDue } from './tokens/key-rotation';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(rotateSigningKeysIfDue(env as unknown as Parameters<typeof rotateSigningKeysIfDue>[0], Math.floor(Date.now() / 1000))),
} satisfies ExportedHandler<Bindings>;

export { AuthService } from './rpc/auth-service';
