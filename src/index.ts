// Worker entry: the HTTP app.

import { createApp } from './app';
import type { Bindings } from './app-env';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Bindings>;

export { AuthService } from './rpc/auth-service';
