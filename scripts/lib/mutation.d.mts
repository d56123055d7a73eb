// Types for mutation.mjs, so the Node tests can check the sweep's pure logic.
export interface Mutant {
  id: string;
  file: string;
  original: string;
  replacement: string;
  description: string;
  tests?: string[];
}
export type MutantStatus = 'killed' | 'survived' | 'not-applicable';
export interface MutationScore {
  killed: number;
  survived: number;
  notApplicable: number;
  applicable: number;
  percent: number | null;
}
export declare function applyMutant(
  source: string,
  mutant: Pick<Mutant, 'original' | 'replacement'>,
): { applicable: true; text: string } | { applicable: false; reason: string };
export declare function withMutantApplied<T>(
  path: string,
  mutant: Pick<Mutant, 'original' | 'replacement'>,
  work: () => Promise<T>,
): Promise<{ applicable: true; result: T } | { applicable: false; reason: string }>;
export declare function checkMutantList(mutants: readonly Mutant[]): string[];
export declare function mutationScore(outcomes: readonly { status: MutantStatus }[]): MutationScore;
export declare function formatScore(score: MutationScore): string;
export interface VitestJsonReport {
  testResults?: { name: string; status?: string; message?: string; assertionResults?: { fullName?: string; title?: string; status: string }[] }[];
}
export declare function failingTests(report: VitestJsonReport | null, root: string): string[];
export declare function guardReport(outcomes: readonly { id: string; status: string; failingTests?: string[] | null }[]): {
  singles: { id: string; test: string }[];
  counted: number;
  uncounted: string[];
  lines: string[];
};
