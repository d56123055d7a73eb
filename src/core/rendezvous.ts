// Weighted rendezvous (highest-random-weight) hashing. Imports nothing, so scripts/admin.mjs computes homes exactly as the worker does.

/** A candidate: an id and its relative weight (greater than 0). */
export interface WeightedCandidate {
  id: string;
  weight: number;
}

/**
 * The candidate a key belongs to: each scores `-weight / ln(u)`, with `u` in
 * (0, 1) from SHA-256 of candidate id and key; the highest score wins. Adding
 * a candidate changes the winner only for the keys the new one wins.
 *
 * @example
 * await rendezvousWinner([{ id: '00', weight: 1 }, { id: '01', weight: 2 }], 'email:ada@example.test') // '00' or '01'
 */
export async function rendezvousWinner(candidates: readonly WeightedCandidate[], key: string): Promise<string> {
  if (candidates.length === 0) throw new Error('rendezvousWinner needs at least one candidate');
  if (candidates.length === 1) return candidates[0]!.id;
  let best: { id: string; score: number } | null = null;
  for (const candidate of candidates) {
    const score = -candidate.weight / Math.log(await unitInterval(`${candidate.id}\u0000${key}`));
    if (best === null || score > best.score) best = { id: candidate.id, score };
  }
  return best!.id;
}

// 52 bits of SHA-256 as a number strictly between 0 and 1.
async function unitInterval(text: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let value = 0;
  for (let index = 0; index < 6; index++) value = value * 256 + digest[index]!;
  value = value * 16 + (digest[6]! >> 4);
  return (value + 0.5) / 2 ** 52;
}
