// Finds accounts whose stored emails the current normalisation would merge or refuse. Reads only; never changes a row.
import { normalizeEmail } from '../../src/core/email.ts';

/**
 * Groups users by the address today's `normalizeEmail` gives their stored
 * email. Returns `collisions` (two or more accounts that are now one
 * address: they must be resolved by hand, never merged silently),
 * `refused` (stored emails today's rules no longer accept) and `restated`
 * (one account whose stored form differs from today's form).
 *
 * @param {readonly { id: string; email: string; created_at?: number }[]} users
 */
export function findEmailCollisions(users) {
  const byAddress = new Map();
  const refused = [];
  for (const user of users) {
    const address = normalizeEmail(user.email);
    if (address === null) {
      refused.push(user);
      continue;
    }
    const group = byAddress.get(address) ?? [];
    group.push(user);
    byAddress.set(address, group);
  }
  const collisions = [];
  const restated = [];
  for (const [address, group] of byAddress) {
    if (group.length > 1) collisions.push({ address, users: group });
    else if (group[0].email !== address) restated.push({ address, user: group[0] });
  }
  collisions.sort((a, b) => a.address.localeCompare(b.address));
  return { collisions, refused, restated };
}

/** The report `npm run admin -- email-collisions` prints. */
export function formatEmailCollisionReport({ collisions, refused, restated }) {
  const lines = [];
  if (collisions.length === 0 && refused.length === 0 && restated.length === 0) {
    return 'No stored email changes under the current normalisation: nothing to resolve.';
  }
  for (const { address, users } of collisions) {
    lines.push(`COLLISION ${address}: ${users.length} accounts are now one address (resolve by hand; nothing was merged)`);
    for (const user of users) lines.push(`  ${user.id}  ${JSON.stringify(user.email)}`);
  }
  for (const user of refused) lines.push(`REFUSED   ${user.id}  ${JSON.stringify(user.email)} is no longer accepted (the account cannot sign in with it)`);
  for (const { address, user } of restated) lines.push(`RESTATE   ${user.id}  ${JSON.stringify(user.email)} is now written ${address}`);
  lines.push(`${collisions.length} collision(s), ${refused.length} refused, ${restated.length} to restate. No row was changed.`);
  return lines.join('\n');
}
