// Types for signing-keys.mjs, so TypeScript callers (vitest.config.ts, tests) type-check.
export declare const SUPPORTED_ALGORITHMS: string[];
export declare function generateSigningJwk(alg?: string): Promise<Record<string, unknown> & { kid: string; alg: string }>;
