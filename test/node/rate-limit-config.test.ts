// wrangler.toml keeps the Rate Limiting binding and IP_RATE_LIMIT_PER_MINUTE in step, in every environment.
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';

const ENVIRONMENTS = [undefined, 'staging', 'production'] as const;

describe('per-IP limit configuration in wrangler.toml', () => {
  for (const environment of ENVIRONMENTS) {
    it(`binds IP_RATE_LIMITER with simple.limit equal to IP_RATE_LIMIT_PER_MINUTE over 60 s (${environment ?? 'top level'})`, () => {
      const config = unstable_readConfig({ config: 'wrangler.toml', env: environment });
      const limiter = config.ratelimits.find((binding: { name: string }) => binding.name === 'IP_RATE_LIMITER');
      expect(limiter).toBeDefined();
      expect(limiter?.simple.period).toBe(60);
      const variable = Number((config.vars as Record<string, string>).IP_RATE_LIMIT_PER_MINUTE);
      expect(variable).toBeGreaterThan(0);
      expect(limiter?.simple.limit).toBe(variable);
      expect((config.vars as Record<string, string>).REVOCATION_CACHE_SECONDS).toBe('10');
    });
  }

  it('gives each environment its own rate-limit namespace, so staging traffic never counts against production', () => {
    const namespaces = ENVIRONMENTS.map((environment) => unstable_readConfig({ config: 'wrangler.toml', env: environment }).ratelimits[0]?.namespace_id);
    expect(new Set(namespaces).size).toBe(ENVIRONMENTS.length);
  });
});
