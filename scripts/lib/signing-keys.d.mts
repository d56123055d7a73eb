// Types for signing-keys.mjs, so TypeScript callers (vitest.config.ts, tests) type-check.
export declare const SUPPORTED_ALGORITHMS: string[];
export declare function generateSigningJwk(alg?: string): Promise<Record<string, unknown> & { kid: string; alg: string }>;
export interface KeySet {
  keys: (Record<string, unknown> & { kid: string })[];
}
export declare function parseKeySetText(text: string): KeySet;
export declare function addKeyToSet(set: KeySet, jwk: Record<string, unknown> & { kid: string }, position?: 'front' | 'back'): KeySet;
export declare function promoteKeyInSet(set: KeySet, kid: string): KeySet;
export declare function retireKeyFromSet(set: KeySet, kid: string): KeySet;
