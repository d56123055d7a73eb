// Mutants for the capability house (issue 24): see scripts/lib/mutants.mjs for the shape and the rules.

const CAPABILITIES_TEST = 'test/integration/capabilities.test.ts';

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [
  {
    id: 'house-turned-off-route-answers',
    file: 'src/http/define-route.ts',
    original: "    if (isTurnedOff(spec, c.var.config.disabledCapabilities)) throw new AuthError('not_found', 'There is nothing at this path.');\n",
    replacement: '',
    description: "a turned-off capability's routes keep answering (DISABLED_CAPABILITIES=passkeys still signs in with a passkey)",
    tests: [CAPABILITIES_TEST],
  },
  {
    id: 'house-turned-off-route-in-allow',
    file: 'src/app.ts',
    original: 'methodsForPath(new URL(c.req.url).pathname, c.var.config?.disabledCapabilities)',
    replacement: 'methodsForPath(new URL(c.req.url).pathname)',
    description: "a turned-off route still shows in a 405's Allow header, telling a prober the capability exists",
    tests: [CAPABILITIES_TEST],
  },
  {
    id: 'house-turned-off-route-documented',
    file: 'src/discovery/openapi-document.ts',
    original: '  if (disabledCapabilities.size === 0) return document;',
    replacement: '  if (disabledCapabilities.size >= 0) return document;',
    description: '/openapi.json keeps documenting the routes of a turned-off capability',
    tests: [CAPABILITIES_TEST],
  },
  {
    id: 'house-disabled-name-unchecked',
    file: 'src/app.ts',
    original: '    if (!optional.includes(name)) {',
    replacement: '    if (false) {',
    description: 'DISABLED_CAPABILITIES=sessions (or a misspelt name) is silently accepted instead of naming the variable',
    tests: [CAPABILITIES_TEST],
  },
  {
    id: 'house-ways-in-release-skipped',
    file: 'src/account/ways-in.ts',
    original: '        if (group.rows.afterRemoval) await group.rows.afterRemoval(env, own, userId);',
    replacement: '',
    description: "after a deletion or a taking-back reset, the removed identities' directory entries stay and route those provider accounts to the user",
    tests: ['test/security/lifecycle-recovery.test.ts', 'test/integration/account-deletion.test.ts', 'test/integration/deletion-leftovers.test.ts'],
  },
  {
    id: 'house-sweeps-of-one-capability',
    file: 'src/scheduled.ts',
    original: '  const sweeps = CAPABILITIES.flatMap((capability) => capability.sweeps ?? []);',
    replacement: '  const sweeps = CAPABILITIES.slice(0, 2).flatMap((capability) => capability.sweeps ?? []);',
    description: "the cron runs only the first capabilities' sweeps: expired links, challenges, provider sign-ins and mfa_tokens pile up",
    tests: ['test/integration/scheduled.test.ts'],
  },
  {
    id: 'house-route-capability-not-recorded',
    file: 'src/http/define-route.ts',
    original: '  const capability = currentRouteCapability();',
    replacement: '  const capability = undefined as string | undefined;',
    description: 'routes are not recorded under their capability, so turning one off leaves its routes up',
    tests: [CAPABILITIES_TEST],
  },
  {
    id: 'house-admin-view-some-capabilities',
    file: 'src/admin/routes.ts',
    original: 'const parts = await Promise.all(c.var.capabilities.map((capability) =>',
    replacement: 'const parts = await Promise.all(c.var.capabilities.slice(0, 3).map((capability) =>',
    description: "the admin view asks only the first capabilities for their part: an operator does not see the user's passkeys, TOTP or linked identities",
    tests: ['test/integration/admin-view.test.ts'],
  },
  {
    id: 'house-admin-view-pending-totp',
    file: 'src/totp/index.ts',
    original: '    if (factor?.enabledAt == null) return { factors: [] };',
    replacement: '    if (factor == null) return { factors: [] };',
    description: 'the admin view lists a TOTP factor that was set up but never enabled, as if it guarded the account',
    tests: ['test/integration/admin-view.test.ts'],
  },
];
