// Mutants for providers: see scripts/lib/mutants.mjs for the shape and the rules.

/** @type {import('../mutation.mjs').Mutant[]} */
export const MUTANTS = [];
