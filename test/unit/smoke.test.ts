import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('answers health', async () => {
    const response = await exports.default.fetch('http://example.com/health');
    if (response.status !== 200) console.log(await response.clone().text());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(env.DB).toBeDefined();
  });
});
