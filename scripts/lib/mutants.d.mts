// Types for mutants.mjs.
import type { Mutant } from './mutation.mjs';
export declare const MUTANTS: readonly Mutant[];
