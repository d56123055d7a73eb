// Worker entry: the HTTP app, and the cron cleanup.

import { createApp } from './app';
import type { Bindings } from './app-env';
import { runScheduledCleanup } from './scheduled';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  scheduled: async (controller, env) => {
    await runScheduledCleanup(env, Math.floor(controller.scheduledTime / 1000));
  },
} satisfies ExportedHandler<Bindings>;
