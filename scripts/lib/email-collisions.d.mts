// Types of scripts/lib/email-collisions.mjs for the Node-side tests.
export interface StoredUser {
  id: string;
  email: string;
  created_at?: number;
}
export interface EmailCollisionReport {
  collisions: { address: string; users: StoredUser[] }[];
  refused: StoredUser[];
  restated: { address: string; user: StoredUser }[];
}
export declare function findEmailCollisions(users: readonly StoredUser[]): EmailCollisionReport;
export declare function formatEmailCollisionReport(report: EmailCollisionReport): string;
