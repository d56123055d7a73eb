// Types of scripts/admin.mjs for the Node-side tests.
export declare const ADMIN_ROLE: 'admin';
export declare class AdminUsageError extends Error {}
export interface AdminCommand {
  command: 'grant' | 'revoke' | 'list' | 'email-collisions';
  email: string | null;
  remote: boolean;
  persistTo: string | null;
}
export declare function parseAdminArguments(argv: readonly string[]): AdminCommand;
export declare function sqlStringLiteral(text: string): string;
export declare function buildAdminSql(command: Pick<AdminCommand, 'command' | 'email'>): string;
export declare function buildWranglerArguments(command: AdminCommand): string[];
