// `npm run admin -- email-collisions`: finds stored accounts today's email normalisation would merge, and changes nothing.
import { describe, expect, it } from 'vitest';
import { buildAdminSql, parseAdminArguments } from '../../scripts/admin.mjs';
import { findEmailCollisions, formatEmailCollisionReport } from '../../scripts/lib/email-collisions.mjs';

describe('email collision report', () => {
  const stored = [
    { id: '00.sigma-final', email: 'odysseus\u03C2@example.com', created_at: 1 },
    { id: '00.sigma-medial', email: 'odysseus\u03C3@example.com', created_at: 2 },
    { id: '00.eszett', email: 'stra\u00DFe@example.com', created_at: 3 },
    { id: '00.double-s', email: 'strasse@example.com', created_at: 4 },
    { id: '00.fullwidth', email: '\uFF4A\uFF4F\uFF48\uFF4E@example.com', created_at: 5 },
    { id: '00.plain', email: 'plain@example.com', created_at: 6 },
  ];

  it('reports every group of accounts that are now one address, and the addresses no longer accepted', () => {
    const report = findEmailCollisions(stored);
    expect(report.collisions).toEqual([
      { address: 'odysseus\u03C3@example.com', users: [stored[0], stored[1]] },
      { address: 'strasse@example.com', users: [stored[2], stored[3]] },
    ]);
    expect(report.refused).toEqual([stored[4]]);
    expect(report.restated).toEqual([]);
    const text = formatEmailCollisionReport(report);
    expect(text).toContain('COLLISION strasse@example.com: 2 accounts');
    expect(text).toContain('00.sigma-final');
    expect(text).toContain('No row was changed.');
  });

  it('says so when nothing collides', () => {
    expect(formatEmailCollisionReport(findEmailCollisions([stored[5]!]))).toMatch(/nothing to resolve/);
  });

  it('reads users with one SELECT and never writes', () => {
    const parsed = parseAdminArguments(['email-collisions']);
    expect(parsed).toMatchObject({ command: 'email-collisions', email: null, remote: false });
    const sql = buildAdminSql(parsed);
    expect(sql).toMatch(/^SELECT id, email, created_at FROM users/);
    expect(sql).not.toMatch(/UPDATE|DELETE|INSERT/i);
    expect(() => parseAdminArguments(['email-collisions', 'a@example.com'])).toThrow();
  });
});
